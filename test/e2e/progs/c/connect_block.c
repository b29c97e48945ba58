// connect_block IP PORT: one blocking TCP connect() (as curl, git or ssh make), then prints
// "connected" or the error. An alarm ends it after 60 s whatever happens.
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: connect_block IP PORT\n");
    return 2;
  }
  alarm(60);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) return 2;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return perror("socket"), 1;
  printf("connecting\n");
  fflush(stdout);
  if (connect(fd, (struct sockaddr*)&sa, sizeof sa) != 0) return perror("connect"), 1;
  printf("connected\n");
  return 0;
}
