// Helpers of the formatter tests: Tracer runs a syscall through capture (FakeTask) and
// formatting the way the live source and the text sink do, and a few tracee structs.
#pragma once

#include <fmt/format.h>

#include <cstring>
#include <functional>
#include <string>

#include "fake_task.h"
#include "gotrace/decode.h"
#include "gotrace/format.h"

namespace gotrace::test {

constexpr uint64_t kAtFdcwd = static_cast<uint64_t>(-100);
inline uint64_t neg(int64_t v) { return static_cast<uint64_t>(v); }

template <typename T>
std::string bytes_of(const T& v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}
inline std::string u32(uint32_t v) { return bytes_of(v); }
inline std::string hex(uint64_t v) { return fmt::format("{:#x}", v); }

struct Iov {
  uint64_t base, len;
};
struct Timespec {
  int64_t sec, nsec;
};
struct Msghdr {
  uint64_t name;
  uint32_t namelen, pad0;
  uint64_t iov, iovlen, control, controllen;
  int32_t flags, pad1;
};
struct Sigaction {
  uint64_t handler, flags, restorer, mask;
};
struct RawRlimit {
  uint64_t cur, max;
};

// Runs one call through capture and formatting.
struct Tracer {
  FakeTask t;
  decode::CaptureOptions cap;
  format::FormatOptions fmt;
  std::string entry_head;  // head as the text sink prints it at entry
  std::string exit_head;   // head re-made from the exit's arguments

  void yy(int detail) {
    cap.fd_detail = detail;
    fmt.fd_detail = detail;
  }

  std::string call(SysNo s, std::initializer_list<uint64_t> raw, int64_t ret,
                   const std::function<void()>& kernel = {}, std::string_view ret_target = {}) {
    Args args;
    std::size_t i = 0;
    for (uint64_t v : raw) args[i++].reset(v);
    const SyscallInfo& info = syscall_info(s);
    const int32_t nr = syscall_number(Arch::X86_64, s);
    decode::capture_entry(info, args, t, cap);
    entry_head.clear();
    format::format_call_head(entry_head, {s, nr, args}, fmt);
    if (kernel) kernel();
    decode::capture_exit(info, ret, args, t, cap);
    format::CallView v{s, nr, args, ret, true, ret_target};
    exit_head.clear();
    format::format_call_head(exit_head, v, fmt);
    std::string line = entry_head;
    format::format_call_tail(line, v, fmt);
    return line;
  }
};

inline std::string raw_line(SysNo s, int32_t nr, std::initializer_list<uint64_t> raw, int64_t ret,
                     bool exited = true) {
  Args args;
  std::size_t i = 0;
  for (uint64_t v : raw) args[i++].reset(v);
  format::CallView v{s, nr, args, ret, exited};
  std::string out;
  format::format_call_head(out, v, {});
  format::format_call_tail(out, v, {});
  return out;
}

}  // namespace gotrace::test
