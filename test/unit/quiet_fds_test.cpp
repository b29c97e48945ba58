// The live source's quiet-fd sets: which fds' reads and writes may run without a stop.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>

#include "quiet_fds.h"

using namespace gotrace;
using live::QuietFds;

namespace {

Args args(std::initializer_list<uint64_t> raw) {
  Args a;
  std::size_t i = 0;
  for (uint64_t r : raw) a[i++].reset(r);
  return a;
}

Args fd_pair(int a, int b) {
  Args out;
  int fds[2] = {a, b};
  out[0].data.assign(reinterpret_cast<const char*>(fds), sizeof fds);
  return out;
}

// Answers never_blocks for new fds of opens; counts how often it was asked.
struct Stat {
  bool regular = true;
  int asked = 0;
  std::function<bool(int)> fn() {
    return [this](int) {
      ++asked;
      return regular;
    };
  }
};

}  // namespace

TEST_CASE("an fd opened on a regular file is quiet until closed", "[quiet]") {
  QuietFds q;
  Stat st;
  q.on_exit(100, SysNo::openat, args({uint64_t(AT_FDCWD), 0, O_RDONLY | O_CLOEXEC}), 5, st.fn());
  CHECK(st.asked == 1);
  CHECK(q.quiet(100, 5));
  CHECK_FALSE(q.quiet(100, 6));
  CHECK_FALSE(q.quiet(101, 5));  // another process
  q.on_exit(100, SysNo::close, args({5}), 0, st.fn());
  CHECK_FALSE(q.quiet(100, 5));
  CHECK(QuietFds::skippable(SysNo::read));
  CHECK(QuietFds::skippable(SysNo::writev));
  CHECK_FALSE(QuietFds::skippable(SysNo::recvfrom));
  CHECK_FALSE(QuietFds::skippable(SysNo::close));
}

TEST_CASE("only what never blocks is quiet; directories, O_PATH and stdio are never asked", "[quiet]") {
  QuietFds q;
  Stat st;
  q.on_exit(1, SysNo::openat, args({uint64_t(AT_FDCWD), 0, O_WRONLY | O_CREAT | O_EXCL}), 7, st.fn());
  CHECK(q.quiet(1, 7));
  CHECK(st.asked == 1);  // even a created file: it may be on NFS
  st.regular = false;  // /dev/random, a FIFO, a tty, a file on NFS or FUSE
  q.on_exit(1, SysNo::openat, args({uint64_t(AT_FDCWD), 0, O_RDWR}), 8, st.fn());
  CHECK_FALSE(q.quiet(1, 8));
  st.regular = true;
  q.on_exit(1, SysNo::openat, args({uint64_t(AT_FDCWD), 0, O_RDONLY | O_DIRECTORY}), 9, st.fn());
  CHECK_FALSE(q.quiet(1, 9));
  q.on_exit(1, SysNo::open, args({0, O_RDONLY}), 2, st.fn());  // stderr reopened on a file
  CHECK_FALSE(q.quiet(1, 2));
  q.on_exit(1, SysNo::openat, args({uint64_t(AT_FDCWD), 0, O_PATH}), 10, st.fn());
  CHECK_FALSE(q.quiet(1, 10));
  CHECK(st.asked == 2);  // not for the directory, fd 2 or O_PATH
  q.on_exit(1, SysNo::openat, args({uint64_t(AT_FDCWD), 0, O_RDONLY}), -24, st.fn());  // EMFILE
  CHECK_FALSE(q.quiet(1, 24));
}

TEST_CASE("an fd number reused for a socket, pipe or dup stops being quiet", "[quiet]") {
  QuietFds q;
  Stat st;
  for (int fd : {3, 4, 5, 6, 7}) q.on_exit(1, SysNo::openat, args({0, 0, O_RDONLY}), fd, st.fn());
  q.on_exit(1, SysNo::socket, args({2, 1, 0}), 3, st.fn());  // missed close: socket now
  CHECK_FALSE(q.quiet(1, 3));
  q.on_exit(1, SysNo::dup2, args({9, 4}), 4, st.fn());
  CHECK_FALSE(q.quiet(1, 4));
  q.on_exit(1, SysNo::pipe2, fd_pair(5, 6), 0, st.fn());
  CHECK_FALSE(q.quiet(1, 5));
  CHECK_FALSE(q.quiet(1, 6));
  q.on_exit(1, SysNo::fcntl, args({9, F_DUPFD_CLOEXEC, 0}), 7, st.fn());
  CHECK_FALSE(q.quiet(1, 7));
  for (int fd = 10; fd < 20; ++fd) q.on_exit(1, SysNo::openat, args({0, 0, O_RDONLY}), fd, st.fn());
  q.on_exit(1, SysNo::close_range, args({12, 15, 0}), 0, st.fn());
  CHECK(q.quiet(1, 11));
  CHECK_FALSE(q.quiet(1, 12));
  CHECK_FALSE(q.quiet(1, 15));
  CHECK(q.quiet(1, 16));
  q.on_exit(1, SysNo::io_uring_setup, args({8, 0}), 20, st.fn());
  CHECK_FALSE(q.quiet(1, 16));
  q.on_exit(1, SysNo::openat, args({0, 0, O_RDONLY}), 21, st.fn());
  CHECK_FALSE(q.quiet(1, 21));  // io_uring can close fds unseen: never again
}

TEST_CASE("fork copies the set, exec forgets it, a shared fd table disables it", "[quiet]") {
  QuietFds q;
  Stat st;
  q.on_exit(1, SysNo::openat, args({0, 0, O_RDONLY}), 3, st.fn());
  q.on_clone(1, 2, 0);  // fork
  CHECK(q.quiet(2, 3));
  q.on_clone(1, 1, CLONE_THREAD | CLONE_FILES | CLONE_VM);  // a thread: same table
  CHECK(q.quiet(1, 3));
  q.on_exec(2);
  CHECK_FALSE(q.quiet(2, 3));
  CHECK(q.quiet(1, 3));

  // The child ran and closed fd 3 before its parent's fork event was handled: keep its own.
  q.on_new_process(5);
  q.on_exit(5, SysNo::close, args({3}), 0, st.fn());
  q.on_clone(1, 5, 0);
  CHECK_FALSE(q.quiet(5, 3));

  // A pid reused by a new process knows nothing of the old one.
  q.on_exit(6, SysNo::openat, args({0, 0, O_RDONLY}), 4, st.fn());
  q.on_process_gone(6);
  q.on_new_process(6);
  CHECK_FALSE(q.quiet(6, 4));

  q.on_clone(1, 7, CLONE_FILES);  // two processes, one fd table
  CHECK_FALSE(q.quiet(1, 3));
  CHECK_FALSE(q.quiet(7, 3));
  q.on_exit(1, SysNo::openat, args({0, 0, O_RDONLY}), 8, st.fn());
  CHECK_FALSE(q.quiet(1, 8));
}

TEST_CASE("fd_never_blocks: regular files on tmpfs, /dev/null and /dev/zero yes; pipes, /dev/random no", "[quiet]") {
  QuietFds q;
  char path[] = "/dev/shm/gotrace-quiet-XXXXXX";  // tmpfs: a local filesystem
  int file = mkstemp(path);
  REQUIRE(file >= 0);
  unlink(path);
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  int null_fd = open("/dev/null", O_RDONLY);
  int zero_fd = open("/dev/zero", O_RDONLY);
  int random_fd = open("/dev/random", O_RDONLY);
  int self = static_cast<int>(getpid());
  CHECK(q.fd_never_blocks(self, file));
  CHECK(q.fd_never_blocks(self, file));  // the filesystem's answer is cached
  CHECK(q.fd_never_blocks(self, null_fd));
  CHECK(q.fd_never_blocks(self, zero_fd));
  CHECK_FALSE(q.fd_never_blocks(self, random_fd));
  CHECK_FALSE(q.fd_never_blocks(self, pipe_fds[0]));
  CHECK_FALSE(q.fd_never_blocks(self, 999));  // not open
  for (int fd : {file, pipe_fds[0], pipe_fds[1], null_fd, zero_fd, random_fd}) close(fd);
}
