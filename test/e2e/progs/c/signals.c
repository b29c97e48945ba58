// Signal behaviour that must be the same traced and untraced. Prints one line per check:
//   handlers: SIGUSR1, SIGURG and SIGCHLD are caught by handlers (counts printed)
//   mask:     the blocked-signal mask and ignored signals it started with (strace's
//             sigblock/sigign tests: run it with some signals blocked/ignored)
// Modes (argv[1]): "handlers", "mask", "exit3" (exit status 3), "segv" (dies of SIGSEGV),
// "kill" (SIGKILLs itself), "sleep N" (sleeps N seconds in nanosleep), "ticks N" (prints
// "tick I" every 20 ms, N times: a test can see whether it runs while SIGSTOPped).
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, urg, chld;
static void on_usr1(int s) { (void)s; usr1++; }
static void on_urg(int s) { (void)s; urg++; }
static void on_chld(int s) { (void)s; chld++; }

static int handlers(void) {
  signal(SIGUSR1, on_usr1);
  signal(SIGURG, on_urg);
  signal(SIGCHLD, on_chld);
  for (int i = 0; i < 5; i++) kill(getpid(), SIGUSR1);
  for (int i = 0; i < 7; i++) kill(getpid(), SIGURG);
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, NULL, 0);
  printf("handlers: usr1=%d urg=%d chld=%d\n", (int)usr1, (int)urg, (int)chld);
  return 0;
}

static int mask(void) {
  sigset_t set;
  sigprocmask(SIG_SETMASK, NULL, &set);
  printf("mask: blocked");
  for (int s = 1; s < 32; s++)
    if (sigismember(&set, s)) printf(" %d", s);
  printf("; ignored");
  for (int s = 1; s < 32; s++) {
    struct sigaction sa;
    if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) printf(" %d", s);
  }
  printf("\n");
  return 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "handlers";
  if (!strcmp(mode, "handlers")) return handlers();
  if (!strcmp(mode, "mask")) return mask();
  if (!strcmp(mode, "exit3")) return 3;
  if (!strcmp(mode, "segv")) {
    volatile int* p = (int*)16;
    return *p;
  }
  if (!strcmp(mode, "kill")) kill(getpid(), SIGKILL);
  if (!strcmp(mode, "sleep")) {
    struct timespec ts = {argc > 2 ? atoi(argv[2]) : 1, 0};
    while (nanosleep(&ts, &ts) != 0) {
    }
    printf("slept\n");
    return 0;
  }
  if (!strcmp(mode, "ticks")) {
    int n = argc > 2 ? atoi(argv[2]) : 100;
    for (int i = 0; i < n; i++) {
      printf("tick %d\n", i);
      fflush(stdout);
      struct timespec ts = {0, 20 * 1000 * 1000};
      while (nanosleep(&ts, &ts) != 0) {
      }
    }
    return 0;
  }
  return 99;
}
