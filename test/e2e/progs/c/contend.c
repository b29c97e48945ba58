// contend SECONDS [THREADS]: THREADS threads (default 4) take one mutex in turn for SECONDS,
// each holding it for a short busy stretch: many short futex waits on one address (issue
// 16.4's lock contention). `contend idle SECONDS`: the same threads parked on one condition
// variable that nobody signals (an idle pool: the healthy control). Prints the rounds done.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static double seconds;
static volatile unsigned long rounds, sink;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void* worker(void* arg) {
  (void)arg;
  double end = now() + seconds;
  while (now() < end) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 20000; i++) sink += (unsigned long)i * 7;  // the critical section
    rounds++;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static void* idler(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  pthread_cond_wait(&never, &lock);  // never signalled: the process exits under it
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(int argc, char** argv) {
  int idle = argc > 1 && strcmp(argv[1], "idle") == 0;
  if (argc < 2 + idle) {
    fprintf(stderr, "usage: contend [idle] SECONDS [THREADS]\n");
    return 2;
  }
  seconds = atof(argv[1 + idle]);
  int n = argc > 2 + idle ? atoi(argv[2 + idle]) : 4;
  pthread_t t[64];
  if (n < 2 || n > 64) return 2;
  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, idle ? idler : worker, NULL);
  if (idle) {
    usleep((useconds_t)(seconds * 1e6));
    printf("idle done\n");
    return 0;
  }
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  printf("%lu rounds\n", rounds);
  return 0;
}
