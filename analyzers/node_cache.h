// Spare nodes for an unordered_map that gains and loses one entry per system call (the
// calls in flight, by tid): erased nodes are kept and reused, so the steady state of a
// replay or a live trace allocates nothing per event.
#pragma once

#include <cstddef>
#include <vector>

namespace gotrace::analyzers {

template <typename Map>
class NodeCache {
 public:
  NodeCache() { spare_.reserve(kMaxSpare); }

  // The entry for `key`, inserted if absent. A reused node keeps its previous value (and
  // the capacity of its strings): the caller assigns every field.
  typename Map::mapped_type& get(Map& m, const typename Map::key_type& key) {
    if (auto it = m.find(key); it != m.end()) return it->second;
    if (spare_.empty()) return m[key];
    typename Map::node_type node = std::move(spare_.back());
    spare_.pop_back();
    node.key() = key;
    return m.insert(std::move(node)).position->second;
  }

  void erase(Map& m, typename Map::iterator it) {
    if (spare_.size() < kMaxSpare)
      spare_.push_back(m.extract(it));
    else
      m.erase(it);
  }
  void erase(Map& m, const typename Map::key_type& key) {
    if (auto it = m.find(key); it != m.end()) erase(m, it);
  }

 private:
  static constexpr std::size_t kMaxSpare = 64;  // about the threads in a call at once
  std::vector<typename Map::node_type> spare_;
};

}  // namespace gotrace::analyzers
