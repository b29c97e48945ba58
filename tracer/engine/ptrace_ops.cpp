// ptrace(2) wrappers. See ptrace_ops.h.
#include "ptrace_ops.h"

#include <linux/audit.h>
#include <sys/ptrace.h>

#include <cerrno>

namespace gotrace::engine {

bool seize(int tid, unsigned options) {
  return ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(uintptr_t{options})) == 0;
}

bool interrupt(int tid) { return ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) == 0; }

bool resume(int tid, Resume how, int signo) {
  __ptrace_request req = how == Resume::Syscall ? PTRACE_SYSCALL
                         : how == Resume::Cont  ? PTRACE_CONT
                                                : PTRACE_LISTEN;
  void* data = reinterpret_cast<void*>(static_cast<uintptr_t>(how == Resume::Listen ? 0 : signo));
  return ptrace(req, tid, nullptr, data) == 0;
}

bool detach(int tid, int signo) {
  return ptrace(PTRACE_DETACH, tid, nullptr,
                reinterpret_cast<void*>(static_cast<uintptr_t>(signo))) == 0;
}

bool event_message(int tid, unsigned long& msg) {
  return ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg) == 0;
}

bool siginfo(int tid, siginfo_t& info) {
  return ptrace(PTRACE_GETSIGINFO, tid, nullptr, &info) == 0;
}

bool syscall_stop_info(int tid, SyscallStopInfo& out) {
  __ptrace_syscall_info info{};
  long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, reinterpret_cast<void*>(sizeof info), &info);
  if (n <= 0) return false;
#if defined(__x86_64__)
  out.compat = info.arch == AUDIT_ARCH_I386;
#endif
  switch (info.op) {
    case PTRACE_SYSCALL_INFO_ENTRY:
      out.op = SyscallStopInfo::Op::Entry;
      out.nr = static_cast<int64_t>(info.entry.nr);
      for (int i = 0; i < 6; ++i) out.args[i] = info.entry.args[i];
      break;
    case PTRACE_SYSCALL_INFO_SECCOMP:
      out.op = SyscallStopInfo::Op::Seccomp;
      out.nr = static_cast<int64_t>(info.seccomp.nr);
      for (int i = 0; i < 6; ++i) out.args[i] = info.seccomp.args[i];
      out.ret_data = info.seccomp.ret_data;
      break;
    case PTRACE_SYSCALL_INFO_EXIT:
      out.op = SyscallStopInfo::Op::Exit;
      out.rval = info.exit.rval;
      break;
    default:
      out.op = SyscallStopInfo::Op::None;
  }
  return true;
}

}  // namespace gotrace::engine

#include <sys/user.h>

namespace gotrace::engine {
bool current_syscall_regs(int tid, int64_t& nr, uint64_t (&args)[6]) {
#if defined(__x86_64__)
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  nr = static_cast<int64_t>(regs.orig_rax);
  const uint64_t a[6] = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
  for (int i = 0; i < 6; ++i) args[i] = a[i];
  return true;
#else
  (void)tid, (void)nr, (void)args;
  return false;  // TODO(#2): aarch64 via PTRACE_GETREGSET
#endif
}
}  // namespace gotrace::engine
