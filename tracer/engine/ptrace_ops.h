// Thin, typed wrappers over ptrace(2) requests used by the live source. Each returns false
// (errno set) instead of throwing: a tracee vanishing (ESRCH) is normal, not an error.
#pragma once

#include <signal.h>
#include <sys/ptrace.h>

#include <cstdint>

namespace gotrace::engine {

// How to restart a stopped tracee (ptrace(2) "Restarting").
enum class Resume : uint8_t {
  Syscall,  // PTRACE_SYSCALL: stop at the next syscall entry/exit
  Cont,     // PTRACE_CONT: run until a signal, event or seccomp stop
  Listen,   // PTRACE_LISTEN: stay in group-stop but report the next event (SEIZE only)
};

constexpr unsigned kTraceOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE |
                                   PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                   PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
                                   PTRACE_O_TRACESECCOMP;

bool seize(int tid, unsigned options);
bool interrupt(int tid);
bool resume(int tid, Resume how, int signo = 0);
bool detach(int tid, int signo = 0);
bool event_message(int tid, unsigned long& msg);
bool siginfo(int tid, siginfo_t& info);

// What a syscall-stop (or seccomp stop) is about.
struct SyscallStopInfo {
  enum class Op : uint8_t { None, Entry, Exit, Seccomp } op = Op::None;
  int64_t nr = -1;       // Entry, Seccomp
  uint64_t args[6] = {}; // Entry, Seccomp
  int64_t rval = 0;      // Exit: the raw return value (-errno on failure)
  uint32_t ret_data = 0; // Seccomp: SECCOMP_RET_DATA of the filter that asked for the stop
  bool compat = false;   // Entry, Seccomp: a 32-bit call (i386 ABI, int 0x80) on x86_64
};

// Reads the stop's details with PTRACE_GET_SYSCALL_INFO (Linux >= 5.3).
// Returns false when the tracee is gone or the request is unsupported.
bool syscall_stop_info(int tid, SyscallStopInfo& out);

}  // namespace gotrace::engine

namespace gotrace::engine {
// The syscall number and arguments from the registers of a stopped tracee (used when an
// exit stop arrives without its entry, e.g. a call already in progress at attach).
bool current_syscall_regs(int tid, int64_t& nr, uint64_t (&args)[6]);
}  // namespace gotrace::engine
