// inject_calls NAME N [THREADS [INTERVAL_MS]]: makes N calls of NAME in the main thread, then
// N in each of THREADS more threads (one after the other), INTERVAL_MS apart, and prints on
// stdout what each call returned, so tests can check --inject call by call and compare with
// strace -e inject= (the output is the same under both): "T NAME #I = VALUE" or
// "T NAME #I = -1 ENAME" (T: thread number, 0 = main). NAME: getpid (VALUE "pid" when it
// returned this process's pid, read from /proc/self; a number otherwise), umask (sets 022),
// openat (/dev/null, closed again), getrandom (16 bytes, flags 0). How long each call took
// goes to stderr ("T NAME #I took MS ms"). SIGINT/SIGTERM print "caught signal S" and exit 3.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char* name;
static int calls, interval_ms;
static long self_pid;

static void on_signal(int sig) {
  char msg[32];
  int n = snprintf(msg, sizeof msg, "caught signal %d\n", sig);
  write(1, msg, (size_t)n);
  _exit(3);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long one_call(void) {
  if (strcmp(name, "getpid") == 0) return syscall(SYS_getpid);
  if (strcmp(name, "umask") == 0) return syscall(SYS_umask, 022);
  if (strcmp(name, "openat") == 0) {
    long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) close((int)fd);
    return fd;
  }
  if (strcmp(name, "getrandom") == 0) {
    char buf[16];
    return syscall(SYS_getrandom, buf, sizeof buf, 0);
  }
  fprintf(stderr, "inject_calls: unknown call %s\n", name);
  exit(2);
}

static void* run(void* arg) {
  int t = (int)(long)arg;
  for (int i = 1; i <= calls; ++i) {
    if (i > 1 && interval_ms > 0) usleep((useconds_t)interval_ms * 1000);
    double start = now_ms();
    errno = 0;
    long r = one_call();
    int err = errno;
    double took = now_ms() - start;
    if (r == -1 && err != 0)
      printf("%d %s #%d = -1 %s\n", t, name, i, strerrorname_np(err));
    else if (strcmp(name, "getpid") == 0 && r == self_pid)
      printf("%d %s #%d = pid\n", t, name, i);
    else if (strcmp(name, "umask") == 0)
      printf("%d %s #%d = %#lo\n", t, name, i, r);
    else if (strcmp(name, "openat") == 0 && r >= 0)
      printf("%d %s #%d = fd\n", t, name, i);  // the number depends on what the loader left open
    else
      printf("%d %s #%d = %ld\n", t, name, i, r);
    fprintf(stderr, "%d %s #%d took %.0f ms\n", t, name, i, took);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: inject_calls NAME N [THREADS [INTERVAL_MS]]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  name = argv[1];
  calls = atoi(argv[2]);
  int threads = argc > 3 ? atoi(argv[3]) : 0;
  interval_ms = argc > 4 ? atoi(argv[4]) : 0;
  char link[64] = {0};
  if (readlink("/proc/self", link, sizeof link - 1) > 0) self_pid = atol(link);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  run((void*)0L);
  for (long t = 1; t <= threads; ++t) {
    pthread_t th;
    pthread_create(&th, NULL, run, (void*)t);
    pthread_join(th, NULL);
  }
  return 0;
}
