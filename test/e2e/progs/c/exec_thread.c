// execve from a non-leader thread: the kernel gives the thread the leader's tid. The exec'd
// program (/bin/echo) prints "exec from thread ok".
#include <pthread.h>
#include <unistd.h>

static void* run(void* arg) {
  (void)arg;
  execl("/bin/echo", "echo", "exec from thread ok", (char*)NULL);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, run, NULL);
  pthread_join(t, NULL);  // never returns: the exec replaces the process
  return 1;
}
