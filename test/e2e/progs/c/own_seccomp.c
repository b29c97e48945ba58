// own_seccomp: installs its own seccomp filter that returns SECCOMP_RET_TRACE (data 0x123)
// for getppid and getrandom, as a sandbox expecting a supervising tracer would, then calls
// both and prints what they returned. Untraced (no tracer asked for seccomp stops) both fail
// with ENOSYS without running; a tracer must not change that. Then forks a child that
// calls getppid too (the filter is inherited) and prints the same. Exits 0.
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char* what, long r) {
  if (r < 0)
    printf("%s = -1 %s\n", what, errno == ENOSYS ? "ENOSYS" : strerror(errno));
  else
    printf("%s = ok\n", what);
  fflush(stdout);
}

int main(void) {
  struct sock_filter prog[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getrandom, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x123),
  };
  struct sock_fprog fprog = {sizeof prog / sizeof prog[0], prog};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog)) {
    perror("seccomp");
    return 1;
  }
  char buf[16];
  report("getppid", syscall(__NR_getppid));
  report("getrandom", syscall(__NR_getrandom, buf, sizeof buf, 0));
  report("getpid", syscall(__NR_getpid));
  pid_t c = fork();
  if (c == 0) {
    report("child getppid", syscall(__NR_getppid));
    _exit(0);
  }
  int st = 0;
  waitpid(c, &st, 0);
  return 0;
}
