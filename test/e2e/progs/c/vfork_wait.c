// vfork_wait SECONDS: the parent vforks; the child prints "child PID of PARENT" and sleeps
// SECONDS (a vfork child must only exec or _exit, but a sleep keeps the parent blocked in
// vfork as a slow exec would), then _exits 0. The parent, released, prints "parent
// resumed, child exited 0" and exits 0. For attaching to a parent blocked in vfork.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int secs = argc > 1 ? atoi(argv[1]) : 5;
  pid_t parent = getpid();
  pid_t c = vfork();
  if (c == 0) {
    char line[64];
    int n = snprintf(line, sizeof line, "child %d of %d\n", (int)getpid(), (int)parent);
    write(1, line, (size_t)n);
    struct timespec ts = {secs, 0};
    nanosleep(&ts, NULL);
    _exit(0);
  }
  int st = 0;
  waitpid(c, &st, 0);
  printf("parent resumed, child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
