// Fixture program for the strace import tests: failing and succeeding file calls, awkward
// bytes in buffers, a pipe to a forked child that exits 3, TCP over loopback (for -yy
// annotations), a refused connect, a read interrupted by a signal (ERESTARTSYS), and a
// child killed by SIGKILL. Deterministic apart from pids, addresses and times.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  char buf[64];
  open("/nonexistent/gotrace", O_RDONLY);
  access("/etc/gotrace-missing", R_OK);

  static const char text[] = "line \"one\"\n\ttab\\ \x01\xff end";
  int fd = open("/tmp/gotrace-fixture.txt", O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
  write(fd, text, sizeof text - 1);
  lseek(fd, 0, SEEK_SET);
  read(fd, buf, sizeof buf);
  close(fd);
  unlink("/tmp/gotrace-fixture.txt");
  close(fd);  // EBADF

  int p[2];
  pipe2(p, O_CLOEXEC);
  pid_t child = fork();
  if (child == 0) {
    write(p[1], "hi", 2);
    _exit(3);
  }
  read(p[0], buf, sizeof buf);
  waitpid(child, NULL, 0);

  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  bind(srv, (struct sockaddr*)&addr, sizeof addr);
  listen(srv, 1);
  getsockname(srv, (struct sockaddr*)&addr, &len);
  int cli = socket(AF_INET, SOCK_STREAM, 0);
  connect(cli, (struct sockaddr*)&addr, sizeof addr);
  int acc = accept(srv, NULL, NULL);
  write(cli, "ping", 4);
  read(acc, buf, sizeof buf);
  close(acc);
  close(cli);
  close(srv);
  addr.sin_port = htons(1);
  int refused = socket(AF_INET, SOCK_STREAM, 0);
  connect(refused, (struct sockaddr*)&addr, sizeof addr);  // ECONNREFUSED
  close(refused);

  struct sigaction sa = {.sa_handler = on_alarm};  // no SA_RESTART: read fails with EINTR
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval t = {.it_value = {.tv_usec = 20000}};
  setitimer(ITIMER_REAL, &t, NULL);
  read(p[0], buf, sizeof buf);

  child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  return 0;
}
