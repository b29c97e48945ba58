// Targets for the attach tests; each ends normally so a test can see it was unharmed.
//   read: reads one line from stdin, prints "got: LINE", exits 4
//   spin N: busy loop (no syscalls) of N*10^8 steps, prints a checksum, exits 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "read";
  if (!strcmp(mode, "read")) {
    char line[256];
    printf("ready\n");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) return 1;
    printf("got: %s", line);
    return 4;
  }
  if (!strcmp(mode, "spin")) {
    long n = (argc > 2 ? atol(argv[2]) : 10) * 100000000L;
    volatile unsigned long x = 1;
    printf("spinning\n");
    fflush(stdout);
    for (long i = 0; i < n; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
    printf("checksum %lu\n", (unsigned long)x);
    return 0;
  }
  return 99;
}
