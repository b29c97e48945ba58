// Syscall tampering (strace's -e inject=): what to do to a matching call, and the register
// writes that do it. A rule's result (error= or retval=) replaces the call: at its entry the
// syscall number becomes -1, so the kernel runs nothing, and at its exit the return register
// gets the injected value. Delays are the live loop's business (it withholds the restart).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gotrace/syscall_table.h"
#include "gotrace/types.h"

namespace gotrace::engine {

struct TamperRule {
  static constexpr uint32_t kNoLast = 0xffffffff;
  enum class Result : uint8_t { None, Error, Value };

  std::vector<bool> syscalls;  // indexed by SysNo (kSyscallCount + 1 slots)
  Result result = Result::None;
  int64_t value = 0;  // Error: the errno (1..4095); Value: the return value
  Nanos delay_enter{0};
  Nanos delay_exit{0};
  // when=FIRST[..LAST][+STEP]: the invocations (1-based, counted per thread and syscall,
  // as strace counts per tracee) this rule applies to.
  uint32_t first = 1;
  uint32_t last = kNoLast;
  uint32_t step = 1;
  std::string text;  // the spec as written, for messages

  bool applies(SysNo s) const {
    auto i = static_cast<std::size_t>(s);
    return i < syscalls.size() && syscalls[i];
  }
  // Whether the n-th invocation (n >= 1) of a syscall is tampered with.
  bool fires(uint32_t n) const {
    return n >= first && (last == kNoLast || n <= last) && (n - first) % step == 0;
  }
  // The raw return value the program will see: -errno or the value.
  int64_t raw_return() const { return result == Result::Error ? -value : value; }
};

// Precondition: `tid` is in a syscall-entry (or seccomp) stop. Makes the kernel skip the
// call (syscall number -1) and, where the kernel leaves it alone for a skipped call
// (x86_64), presets the return register to `ret`, so the result holds even if the tracee
// is detached before its exit stop. False when the tracee is gone (ESRCH) or the
// architecture is not supported.
bool skip_syscall(int tid, int64_t ret);

// Precondition: `tid` is in a syscall-exit stop. Sets the value the call returns.
bool set_syscall_return(int tid, int64_t ret);

}  // namespace gotrace::engine
