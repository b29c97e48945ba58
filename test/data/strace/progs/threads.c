// Fixture program for the strace import tests: four threads doing syscalls at the same
// time (so strace prints <unfinished ...> / <... resumed> pairs), one blocked in read
// until another writes to its pipe, then joins.
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static int pipefd[2];
static int devnull;

static void* worker(void* arg) {
  long id = (long)arg;
  struct timespec ts = {0, 1000000};
  for (int i = 0; i < 4; ++i) {
    nanosleep(&ts, NULL);
    getpid();
    write(devnull, "x", 1);
  }
  if (id == 0) {
    char c;
    read(pipefd[0], &c, 1);
  }
  if (id == 3) write(pipefd[1], "!", 1);
  return NULL;
}

int main(void) {
  pthread_t t[4];
  devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  pipe(pipefd);
  for (long i = 0; i < 4; ++i) pthread_create(&t[i], NULL, worker, (void*)i);
  for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
  return 0;
}
