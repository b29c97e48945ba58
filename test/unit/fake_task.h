// FakeTask: a TaskAccess over a map of address -> bytes and fd -> target, for decoder tests.
// Memory is a set of disjoint regions; reads past a region's end stop short (as a read into
// unmapped memory does), and reads of an address outside every region fail with EFAULT.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gotrace/task_access.h"

namespace gotrace::test {

class FakeTask : public TaskAccess {
 public:
  // Places `bytes` at a fresh address (regions are 64 KiB apart) and returns it.
  uint64_t put(std::string_view bytes) {
    uint64_t addr = next_;
    next_ += 0x10000;
    mem_[addr] = std::string(bytes);
    return addr;
  }
  template <typename T>
  uint64_t put_struct(const T& v) {
    return put(std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
  }
  // A NUL-terminated string.
  uint64_t put_cstring(std::string_view s) {
    std::string b(s);
    b.push_back('\0');
    return put(b);
  }
  // An array of pointers to NUL-terminated strings, NULL-terminated (argv style).
  uint64_t put_string_array(const std::vector<std::string>& v) {
    std::vector<uint64_t> ptrs;
    for (const auto& s : v) ptrs.push_back(put_cstring(s));
    ptrs.push_back(0);
    return put(std::string_view(reinterpret_cast<const char*>(ptrs.data()), ptrs.size() * 8));
  }
  // Replaces the bytes of an existing region (what the kernel wrote during the call).
  void poke(uint64_t addr, std::string_view bytes) {
    auto it = region(addr);
    std::string& r = it->second;
    std::size_t off = addr - it->first;
    if (r.size() < off + bytes.size()) r.resize(off + bytes.size());
    r.replace(off, bytes.size(), bytes);
  }
  template <typename T>
  void poke_struct(uint64_t addr, const T& v) {
    poke(addr, std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
  }
  void set_fd(int fd, std::string target) { fds_[fd] = std::move(target); }

  long read(uint64_t addr, std::size_t len, std::string& out) override {
    ++reads;
    auto it = region(addr);
    if (it == mem_.end()) return -EFAULT;
    std::size_t off = addr - it->first;
    std::size_t n = std::min(len, it->second.size() - off);
    if (n == 0 && len > 0) return -EFAULT;
    out.append(it->second, off, n);
    return static_cast<long>(n);
  }

  long read_cstring(uint64_t addr, std::size_t max, std::string& out, bool& truncated) override {
    ++reads;
    truncated = false;
    auto it = region(addr);
    if (it == mem_.end()) return -EFAULT;
    std::string_view r(it->second);
    r.remove_prefix(addr - it->first);
    std::size_t nul = r.find('\0');
    if (nul == std::string_view::npos) {
      if (r.size() < max) return -EFAULT;  // runs into unmapped memory
      nul = max;
    }
    if (nul >= max) {
      nul = max;
      truncated = true;
    }
    out.append(r.substr(0, nul));
    return static_cast<long>(nul);
  }

  bool fd_target(int fd, int /*detail*/, std::string& out) override {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return false;
    out = it->second;
    return true;
  }

  int reads = 0;

 private:
  std::map<uint64_t, std::string>::iterator region(uint64_t addr) {
    auto it = mem_.upper_bound(addr);
    if (it == mem_.begin()) return mem_.end();
    --it;
    if (addr - it->first >= it->second.size()) return mem_.end();
    return it;
  }

  std::map<uint64_t, std::string> mem_;
  std::map<int, std::string> fds_;
  uint64_t next_ = 0x7f0000010000;
};

// A pointer no region covers.
constexpr uint64_t kBadAddr = 0x1;

}  // namespace gotrace::test
