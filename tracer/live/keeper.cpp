// The keeper. See keeper.h.
#include "keeper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "proc_facts.h"
#include "ptrace_ops.h"
#include "seccomp_filter.h"
#include "syscall_tamper.h"

namespace gotrace::live {
namespace {

constexpr unsigned kKeeperOptions = PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                    PTRACE_O_TRACESECCOMP;

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

[[noreturn]] void keep(int pid) {
  setsid();
  prctl(PR_SET_NAME, "gotrace-keeper");
  // Hold no fd of gotrace's: a pipe kept open would keep whoever reads gotrace's output
  // waiting for an end of file.
  int null = open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3 && null >= 0; ++fd) dup2(null, fd);
  syscall(SYS_close_range, 3, ~0U, 0);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  for (int tid : engine::list_numeric_dir("/proc/" + std::to_string(pid) + "/task")) engine::seize(tid, kKeeperOptions);
  kill(pid, SIGCONT);
  for (;;) {
    int status = 0;
    int tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      _exit(0);  // ECHILD: every process it kept has exited
    }
    if (!WIFSTOPPED(status)) continue;
    int sig = WSTOPSIG(status);
    unsigned event = static_cast<unsigned>(status) >> 16;
    if (event == PTRACE_EVENT_STOP) {
      // Group-stop: stay stopped but report what follows; otherwise a new task's first stop.
      engine::resume(tid, is_stop_signal(sig) ? engine::Resume::Listen : engine::Resume::Cont);
    } else if (event == PTRACE_EVENT_SECCOMP) {
      unsigned long data = 0;
      engine::event_message(tid, data);
      if ((data & 0xffff) != engine::kOwnTraceData) engine::skip_syscall(tid, -ENOSYS);
      engine::resume(tid, engine::Resume::Cont);
    } else if (event != 0) {
      engine::resume(tid, engine::Resume::Cont);  // clone, fork, vfork: children are kept too
    } else {
      engine::resume(tid, engine::Resume::Cont, sig);  // a signal: passed on
    }
  }
}

}  // namespace

bool start_keeper(int pid) {
  pid_t mid = fork();
  if (mid < 0) return false;
  if (mid == 0) {
    // Double fork: the keeper is nobody's child but init's (or a subreaper's), so gotrace's
    // own waitpid(-1) never sees it.
    pid_t k = fork();
    if (k == 0) keep(pid);
    _exit(k < 0 ? 1 : 0);
  }
  int status = 0;
  while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace gotrace::live
