// A set of small non-negative numbers as strace's qualifiers take them (-e read=0,5,
// -e write=all, -e signal=!SIGCONT): "all", "none", a comma list, "!" negating the whole.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gotrace {

class NumberSet {
 public:
  static NumberSet all() {
    NumberSet s;
    s.negated_ = true;
    return s;
  }
  void add(int64_t n) {
    if (n >= 0) members_.push_back(n);
  }
  void negate() { negated_ = !negated_; }
  bool has(int64_t n) const {
    if (n < 0) return false;
    return (std::find(members_.begin(), members_.end(), n) != members_.end()) != negated_;
  }
  bool empty() const { return !negated_ && members_.empty(); }  // matches nothing
  bool operator==(const NumberSet&) const = default;

 private:
  std::vector<int64_t> members_;
  bool negated_ = false;
};

}  // namespace gotrace
