// ptrace_floor: the least a tracer that stops on every syscall can cost, for scripts/bench.
// It runs COMMAND under ptrace like `strace -f` (every thread, child and exec; entry and
// exit stop of every syscall) and does nothing at a stop but restart the thread: no
// registers, no memory, no output. A full tracer (strace -f, gotrace --full) costs this
// plus its own work, so `--full / strace -f` can be no lower than `floor / strace -f`.
//   usage: ptrace_floor COMMAND [ARGS...]   exit status: COMMAND's (128+N if killed by N)
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ptrace_floor COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t child = fork();
  if (child < 0) return perror("fork"), 1;
  if (child == 0) {
    raise(SIGSTOP);  // wait for the seize
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    _exit(127);
  }
  int status;
  if (waitpid(child, &status, WSTOPPED) < 0) return perror("waitpid"), 1;
  long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
              PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SEIZE, child, 0, opts) < 0) return perror("PTRACE_SEIZE"), 1;
  kill(child, SIGCONT);
  int result = 0;
  for (;;) {
    pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: every tracee is gone
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (tid == child) result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      continue;
    }
    int sig = WSTOPSIG(status), event = status >> 16, deliver = 0;
    if (event == PTRACE_EVENT_STOP) {
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
        ptrace(PTRACE_LISTEN, tid, 0, 0);  // a group-stop stays stopped
        continue;
      }
    } else if (event == 0 && sig != (SIGTRAP | 0x80)) {
      deliver = sig;  // a signal for the tracee: passed on
    }
    ptrace(PTRACE_SYSCALL, tid, 0, deliver);
  }
  return result;
}
