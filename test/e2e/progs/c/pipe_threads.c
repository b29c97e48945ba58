// 64 threads blocked in read() on their own pipes, plus a spawner thread that keeps
// creating short-lived threads (each calls getppid once). Prints "ready" when all 64 are
// about to block; a line on stdin then makes main write one byte to every pipe; each
// reader then calls getppid 3 times and exits. Prints "done" at the end.
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int pipes[64][2];
static volatile int stop_spawning;

static void* reader(void* arg) {
  long i = (long)arg;
  char c;
  if (read(pipes[i][0], &c, 1) != 1) return NULL;
  for (int k = 0; k < 3; k++) syscall(SYS_getppid);
  return NULL;
}

static void* shortlived(void* arg) {
  (void)arg;
  syscall(SYS_getppid);
  return NULL;
}

static void* spawner(void* arg) {
  (void)arg;
  while (!stop_spawning) {
    pthread_t t;
    if (pthread_create(&t, NULL, shortlived, NULL) == 0) pthread_join(t, NULL);
    usleep(2000);
  }
  return NULL;
}

int main(void) {
  pthread_t readers[64], sp;
  for (long i = 0; i < 64; i++) {
    if (pipe(pipes[i]) != 0) return 1;
    pthread_create(&readers[i], NULL, reader, (void*)i);
  }
  pthread_create(&sp, NULL, spawner, NULL);
  usleep(200000);
  printf("ready\n");
  fflush(stdout);
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 1;
  for (int i = 0; i < 64; i++) (void)!write(pipes[i][1], "x", 1);
  for (int i = 0; i < 64; i++) pthread_join(readers[i], NULL);
  stop_spawning = 1;
  pthread_join(sp, NULL);
  printf("done\n");
  return 0;
}
