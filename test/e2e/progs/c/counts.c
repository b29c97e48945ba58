// Makes an exactly known number of syscalls: 1000 getpid, 17 getrandom (GRND_NONBLOCK),
// 25 openat of a missing file (25 ENOENT), 40 close of an invalid fd (40 EBADF).
// The e2e tests compare gotrace -c and strace -f -c counts with these numbers.
#include <fcntl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  for (int i = 0; i < 1000; i++) syscall(SYS_getpid);
  char buf[16];
  for (int i = 0; i < 17; i++) syscall(SYS_getrandom, buf, sizeof buf, GRND_NONBLOCK);
  for (int i = 0; i < 25; i++) syscall(SYS_openat, AT_FDCWD, "/proc/self/gotrace-nonexistent", O_RDONLY);
  for (int i = 0; i < 40; i++) syscall(SYS_close, 1000 + i);
  return 0;
}
