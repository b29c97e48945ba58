/* Makes 20,000 getppid calls in each of two threads (stops close together: under --full the
 * tracer follows these threads from CPU to CPU and restarts them as a SCHED_IDLE task), then
 * prints what the tracer must not have changed: the threads' CPU masks, scheduling policy
 * and nice value. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void* storm(void* out) {
  long sum = 0;
  for (int i = 0; i < 20000; i++) sum += syscall(SYS_getppid);
  cpu_set_t mask;
  CPU_ZERO(&mask);
  sched_getaffinity(0, sizeof mask, &mask);
  snprintf(out, 128, "cpus=%d policy=%d nice=%d calls=%s", CPU_COUNT(&mask), sched_getscheduler(0),
           getpriority(PRIO_PROCESS, 0), sum > 0 ? "ok" : "failed");
  return NULL;
}

int main(void) {
  char main_line[128], thread_line[128];
  pthread_t t;
  pthread_create(&t, NULL, storm, thread_line);
  storm(main_line);
  pthread_join(t, NULL);
  printf("main: %s\nthread: %s\n", main_line, thread_line);
  return 0;
}
