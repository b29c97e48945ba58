// hold_getrandom K S -- PROG ARGS...: runs PROG with its blocking getrandom calls held, the
// way an entropy-starved kernel holds them. Forks; the child sets PR_SET_NO_NEW_PRIVS,
// installs a seccomp filter that sends every getrandom without GRND_NONBLOCK (args[2]) to a
// user-notification listener (SECCOMP_FILTER_FLAG_NEW_LISTENER), passes the listener fd to
// the parent over a socketpair (SCM_RIGHTS) and execs PROG. The parent holds each of the
// first K notifications for S seconds, then lets the call run (SECCOMP_USER_NOTIF_FLAG_CONTINUE);
// later ones run at once. Exits with PROG's status (or 128+signal). A safety alarm ends
// everything after K*S+120 seconds.
// HOLD_GETRANDOM_NO_VDSO=1 also fails every mmap asking for MAP_DROPPABLE (0x08, Linux >=
// 6.11) with ENOMEM: Go >= 1.24 cannot allocate its vDSO getrandom states then and makes
// the getrandom syscall for every read, as on a kernel without vgetrandom (before 6.11).
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/poll.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

static pid_t child;

static void on_alarm(int sig) {
  (void)sig;
  if (child > 0) kill(child, SIGKILL);
  _exit(124);
}

#define MAP_DROPPABLE_FLAG 0x08

static int install_filter(int no_vdso) {
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      // mmap(..., flags & MAP_DROPPABLE, ...) -> ENOMEM when asked (no_vdso)
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 0, 4),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[3])),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, no_vdso ? MAP_DROPPABLE_FLAG : 0, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOMEM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getrandom, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      // flags are args[2]; look at the low 32 bits only (GRND_* fit there)
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, GRND_NONBLOCK, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  };
  struct sock_fprog prog = {sizeof f / sizeof f[0], f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static int send_fd(int sock, int fd) {
  char byte = 'L';
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  if (recvmsg(sock, &m, 0) != 1) return -1;
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

static int wait_child(void) {
  int st;
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR) return 1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char** argv) {
  if (argc < 5 || strcmp(argv[3], "--") != 0) {
    fprintf(stderr, "usage: hold_getrandom K SECONDS -- PROG ARGS...\n");
    return 2;
  }
  int hold_count = atoi(argv[1]);
  int hold_seconds = atoi(argv[2]);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return perror("socketpair"), 1;
  child = fork();
  if (child < 0) return perror("fork"), 1;
  if (child == 0) {
    close(sv[0]);
    const char* nv = getenv("HOLD_GETRANDOM_NO_VDSO");
    int listener = install_filter(nv && strcmp(nv, "1") == 0);
    if (listener < 0) {
      perror("hold_getrandom: seccomp");
      _exit(126);
    }
    if (send_fd(sv[1], listener) != 0) _exit(126);
    close(listener);
    close(sv[1]);
    execvp(argv[4], argv + 4);
    perror("hold_getrandom: exec");
    _exit(127);
  }
  close(sv[1]);
  signal(SIGALRM, on_alarm);
  alarm(hold_count * hold_seconds + 120);
  int listener = recv_fd(sv[0]);
  close(sv[0]);
  if (listener < 0) return wait_child();

  struct seccomp_notif_sizes sizes;
  if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return perror("sizes"), 1;
  struct seccomp_notif* req = calloc(1, sizes.seccomp_notif);
  struct seccomp_notif_resp* resp = calloc(1, sizes.seccomp_notif_resp);
  int held = 0;
  for (;;) {
    // Blocks until a notification comes or the target is gone (POLLHUP): no periodic wakeups.
    struct pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) break;
    memset(req, 0, sizes.seccomp_notif);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      break;
    }
    if (held < hold_count) {
      held++;
      fprintf(stderr, "hold_getrandom: holding getrandom(%llu bytes, flags %llu) of pid %u for %d s\n",
              (unsigned long long)req->data.args[1], (unsigned long long)req->data.args[2], req->pid,
              hold_seconds);
      struct timespec ts = {hold_seconds, 0};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    }
    memset(resp, 0, sizes.seccomp_notif_resp);
    resp->id = req->id;
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT) perror("hold_getrandom: send");
  }
  close(listener);
  return wait_child();
}
