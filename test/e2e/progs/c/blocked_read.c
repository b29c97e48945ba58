// Blocks for ever in read() on a pipe nobody writes to (the unfinished-call test; the
// attach tests). Prints "ready" first so a test knows it is about to block.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 1;
  printf("ready\n");
  fflush(stdout);
  char c;
  return (int)read(p[0], &c, 1);
}
