// leak_fds [LIMIT [RETRY_MS [RETRIES]]]: lowers its own RLIMIT_NOFILE soft limit to LIMIT
// (default 64; the hard limit stays), then leaks fds: opens /dev/null until open fails
// (EMFILE), prints "leaked N fds: ERROR", then, as a program that leaks and backs off would,
// sleeps RETRY_MS (default 100) and retries the open, RETRIES times (default 3); each retry
// fails the same way. Exits 1.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 2;
  rl.rlim_cur = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
    perror("setrlimit");
    return 2;
  }
  long retry_ms = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
  int retries = argc > 3 ? atoi(argv[3]) : 3;
  int leaked = 0, err = 0;
  for (int i = 0; i < 100000; i++) {
    if (open("/dev/null", O_RDONLY) < 0) {
      err = errno;
      break;
    }
    leaked++;
  }
  printf("leaked %d fds: %s\n", leaked, strerror(err));
  fflush(stdout);
  for (int retry = 1; retry <= retries && retry <= 100; retry++) {
    struct timespec ts = {retry_ms / 1000, (retry_ms % 1000) * 1000 * 1000};
    nanosleep(&ts, NULL);
    int fd = open("/dev/null", O_RDONLY);
    printf("retry %d: %s\n", retry, fd < 0 ? strerror(errno) : "ok");
    fflush(stdout);
  }
  return 1;
}
