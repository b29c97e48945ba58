// call_chain: main -> level_one -> level_two -> openat of a path that does not exist, so
// gotrace -k must show level_two, level_one and main in that order under the openat line.
// Not inlined, and each level uses the result after the call (no tail calls).
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) int level_two(const char* path) {
  int fd = openat(AT_FDCWD, path, O_RDONLY);
  return fd < 0 ? 2 : fd;
}

__attribute__((noinline)) int level_one(const char* path) { return level_two(path) + 1; }

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "/nonexistent/gotrace-call-chain";
  int r = level_one(path);
  printf("level_one returned %d\n", r);
  return 0;
}
