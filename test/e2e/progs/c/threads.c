// 64 threads each make 100 getppid calls; then a fork/exec chain 3 deep: the child execs
// this program with "chain 2", which forks and execs "chain 1", ... each level making
// 10 getppid calls. Total getppid = 64*100 + 3*10 = 6430 (plus none from libc).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < 100; i++) syscall(SYS_getppid);
  return NULL;
}

static int chain(const char* self, int depth) {
  for (int i = 0; i < 10; i++) syscall(SYS_getppid);
  if (depth <= 1) return 0;
  pid_t pid = fork();
  if (pid == 0) {
    char d[16];
    snprintf(d, sizeof d, "%d", depth - 1);
    execl(self, self, "chain", d, (char*)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "chain") == 0) return chain(argv[0], atoi(argv[2]));
  pthread_t t[64];
  for (int i = 0; i < 64; i++) pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < 64; i++) pthread_join(t[i], NULL);
  return chain(argv[0], 3);
}
