// Reads and writes one byte at a time through every kind of fd, a known number of times,
// each kind with its own byte so a trace tells them apart (the quiet-fd test):
//   "F" 20 writes to a regular file it creates (O_CREAT|O_EXCL), 20 reads back (O_RDONLY)
//   "P" 7 through a pipe, "S" 9 through a socketpair, "I" 5 through a FIFO, 4 reads of
//   /dev/zero (quiet: never blocks) and 4 of /dev/random (watched: it may block), "R" 3 through a pipe reusing the closed file fd's number, and after a fork
//   the child: "C" 6 reads of a file opened (O_CREAT without O_EXCL: told a regular file by
//   a stat) before the fork, "Q" 2 reads of a pipe.
// Also 11 fcntl(F_GETFL) and 1 fcntl(F_DUPFD_CLOEXEC) (the filter stops only on the latter).
// Usage: quiet_io DIR (an empty directory for the file and the FIFO).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void io(int wfd, int rfd, char c, int n) {
  char got;
  for (int i = 0; i < n; i++) {
    if (wfd >= 0 && write(wfd, &c, 1) != 1) exit(2);
    if (rfd >= 0 && read(rfd, &got, 1) != 1) exit(3);
  }
}

int main(int argc, char** argv) {
  if (argc != 2 || chdir(argv[1]) != 0) return 1;
  int w = open("data", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  io(w, -1, 'F', 20);
  int r = open("data", O_RDONLY | O_CLOEXEC);
  io(-1, r, 'F', 20);
  int p[2], s[2], q[2];
  if (pipe(p) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) return 1;
  io(p[1], p[0], 'P', 7);
  io(s[0], s[1], 'S', 9);
  if (mkfifo("fifo", 0600) != 0) return 1;
  int f = open("fifo", O_RDWR);  // a FIFO is a pipe: never quiet, even though it has a path
  io(f, f, 'I', 5);
  int z = open("/dev/zero", O_RDONLY);
  io(-1, z, 0, 4);
  int rnd = open("/dev/random", O_RDONLY);
  io(-1, rnd, 0, 4);
  close(r);
  int reuse[2];
  if (pipe(reuse) != 0 || reuse[0] != r) return 4;  // the lowest free fd: the file's old number
  io(reuse[1], reuse[0], 'R', 3);
  int cw = open("child", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (write(cw, "CCCCCC", 6) != 6) return 1;  // one 6-byte write, not a "C" of 1 byte
  int c = open("child", O_RDONLY);
  if (pipe(q) != 0) return 1;
  io(q[1], -1, 'Q', 2);
  pid_t child = fork();
  if (child == 0) {
    io(-1, c, 'C', 6);
    io(-1, q[0], 'Q', 2);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  for (int i = 0; i < 11; i++)
    if (fcntl(p[0], F_GETFL) < 0) return 5;
  if (fcntl(p[0], F_DUPFD_CLOEXEC, 100) != 100) return 6;
  printf("file=%d reread=%d pipe=%d fifo=%d zero=%d random=%d\n", w, r, p[0], f, z, rnd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
