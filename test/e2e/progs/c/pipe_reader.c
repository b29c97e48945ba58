// pipe_reader 'SHELL COMMAND': runs `sh -c COMMAND` with its stdout on a pipe (as cmd/go runs
// git), copies what it reads to stdout until EOF, then waits for sh and prints "eof". If the
// command leaves a background child holding the pipe (`sleep 30 &`), the read blocks until
// that child exits, long after sh did. An alarm ends it after 60 s whatever happens.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pipe_reader 'SHELL COMMAND'\n");
    return 2;
  }
  alarm(60);
  int p[2];
  if (pipe(p) != 0) return perror("pipe"), 1;
  pid_t child = fork();
  if (child < 0) return perror("fork"), 1;
  if (child == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    execl("/bin/sh", "sh", "-c", argv[1], (char*)NULL);
    _exit(127);
  }
  close(p[1]);
  char buf[256];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) {
    fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
  }
  int status;
  waitpid(child, &status, 0);
  printf("eof\n");
  return 0;
}
