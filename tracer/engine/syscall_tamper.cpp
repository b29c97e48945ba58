// Register writes for syscall tampering. See syscall_tamper.h.
#include "syscall_tamper.h"

#include <elf.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <cerrno>
#include <cstddef>

namespace gotrace::engine {

#if defined(__x86_64__)

namespace {
bool poke_user(int tid, std::size_t offset, int64_t value) {
  return ptrace(PTRACE_POKEUSER, tid, reinterpret_cast<void*>(offset),
                reinterpret_cast<void*>(value)) == 0;
}
}  // namespace

bool skip_syscall(int tid, int64_t ret) {
  // The kernel reads orig_rax after the entry stop: -1 runs no syscall, and do_syscall_64
  // leaves rax alone for nr == -1 (older kernels put -ENOSYS there: the exit stop writes
  // the value again).
  return poke_user(tid, offsetof(user_regs_struct, orig_rax), -1) &&
         poke_user(tid, offsetof(user_regs_struct, rax), ret);
}

bool set_syscall_return(int tid, int64_t ret) {
  return poke_user(tid, offsetof(user_regs_struct, rax), ret);
}

#elif defined(__aarch64__)

bool skip_syscall(int tid, int64_t) {
  // arm64 keeps the syscall number apart from x8: NT_ARM_SYSTEM_CALL (ptrace(2), arm64).
  // x0 still holds the first argument here; the result is written at the exit stop.
  int nr = -1;
  iovec io{&nr, sizeof nr};
  return ptrace(PTRACE_SETREGSET, tid, reinterpret_cast<void*>(NT_ARM_SYSTEM_CALL), &io) == 0;
}

bool set_syscall_return(int tid, int64_t ret) {
  user_regs_struct regs{};
  iovec io{&regs, sizeof regs};
  if (ptrace(PTRACE_GETREGSET, tid, reinterpret_cast<void*>(NT_PRSTATUS), &io) != 0) return false;
  regs.regs[0] = static_cast<uint64_t>(ret);
  return ptrace(PTRACE_SETREGSET, tid, reinterpret_cast<void*>(NT_PRSTATUS), &io) == 0;
}

#else

bool skip_syscall(int, int64_t) {
  errno = ENOSYS;
  return false;
}
bool set_syscall_return(int, int64_t) {
  errno = ENOSYS;
  return false;
}

#endif

}  // namespace gotrace::engine
