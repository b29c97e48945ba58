// fd_effects: what a call did to the fd table, the one source the process table, quiet fds,
// the light policy and network waits read.
#include <fcntl.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

#include "gotrace/fd_effects.h"

using namespace gotrace;

namespace {

Args args(std::initializer_list<uint64_t> raw) {
  Args a;
  std::size_t i = 0;
  for (uint64_t v : raw) a[i++].raw = v;
  return a;
}

}  // namespace

TEST_CASE("fd effects: opens, dups, closes", "[fd_effects]") {
  SECTION("openat: a file, its flags and path argument") {
    FdEffects fx = fd_effects(SysNo::openat, args({static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY | O_CLOEXEC}), 5);
    REQUIRE(fx.news().size() == 1);
    CHECK(fx.opened[0].fd == 5);
    CHECK(fx.opened[0].kind == FdKind::File);
    CHECK(fx.opened[0].cloexec);
    CHECK(fx.opened[0].path_arg == 1);
    CHECK(fx.close_first < 0);
  }
  SECTION("a failed call has no effect") {
    CHECK(fd_effects(SysNo::openat, args({0, 0, 0}), -EMFILE).news().empty());
    CHECK(fd_effects(SysNo::close, args({9}), -EBADF).close_first < 0);
  }
  SECTION("close releases the fd even when it fails with EINTR or EIO") {
    FdEffects fx = fd_effects(SysNo::close, args({9}), -EINTR);
    CHECK(fx.closes(9));
    CHECK_FALSE(fx.closes(10));
  }
  SECTION("dup2 closes its target, then copies onto it; dup2(fd, fd) does nothing") {
    FdEffects fx = fd_effects(SysNo::dup3, args({3, 7, O_CLOEXEC}), 7);
    CHECK(fx.closes(7));
    REQUIRE(fx.news().size() == 1);
    CHECK(fx.opened[0].copy_of == 3);
    CHECK(fx.opened[0].cloexec);
    FdEffects same = fd_effects(SysNo::dup2, args({4, 4}), 4);
    CHECK(same.close_first < 0);
    CHECK(same.news().empty());
  }
  SECTION("close_range: closed, or only marked close-on-exec") {
    FdEffects fx = fd_effects(SysNo::close_range, args({3, ~0u, 0}), 0);
    CHECK(fx.closes(3));
    CHECK(fx.closes(1000));
    CHECK_FALSE(fx.closes(2));
    CHECK_FALSE(fx.cloexec_only);
    CHECK(fd_effects(SysNo::close_range, args({3, 10, 4 /* CLOSE_RANGE_CLOEXEC */}), 0).cloexec_only);
  }
  SECTION("fcntl: F_DUPFD copies, F_SETFD changes close-on-exec") {
    FdEffects dup = fd_effects(SysNo::fcntl, args({3, F_DUPFD_CLOEXEC, 10}), 10);
    REQUIRE(dup.news().size() == 1);
    CHECK(dup.opened[0].copy_of == 3);
    CHECK(dup.opened[0].cloexec);
    FdEffects setfd = fd_effects(SysNo::fcntl, args({3, F_SETFD, FD_CLOEXEC}), 0);
    CHECK(setfd.cloexec_fd == 3);
    CHECK(setfd.cloexec);
    CHECK(setfd.news().empty());
    // The kernel reads fd and cmd as ints: garbage above them changes nothing (issue 19)
    FdEffects high = fd_effects(SysNo::fcntl, args({0xdefaced00000003ull, 0xdefaced00000000ull | F_DUPFD, 10}), 10);
    REQUIRE(high.news().size() == 1);
    CHECK(high.opened[0].copy_of == 3);
    FdEffects closed = fd_effects(SysNo::close, args({0x100000007ull}), 0);
    CHECK(closed.close_first == 7);
  }
  SECTION("pipe2: two ends read from the output argument, the second one writes") {
    Args a = args({0, O_CLOEXEC});
    int fds[2] = {5, 6};
    a[0].data.assign(reinterpret_cast<const char*>(fds), sizeof fds);
    FdEffects fx = fd_effects(SysNo::pipe2, a, 0);
    REQUIRE(fx.news().size() == 2);
    CHECK(fx.opened[0].fd == 5);
    CHECK(fx.opened[1].fd == 6);
    CHECK(fx.opened[0].kind == FdKind::Pipe);
    CHECK_FALSE(fx.opened[0].pipe_write);
    CHECK(fx.opened[1].pipe_write);
    CHECK(fx.opened[1].cloexec);
  }
  SECTION("socket: domain and type without its flags; clone's pidfd; io_uring") {
    FdEffects s = fd_effects(SysNo::socket, args({AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}), 4);
    REQUIRE(s.news().size() == 1);
    CHECK(s.opened[0].kind == FdKind::Socket);
    CHECK(s.opened[0].domain == AF_INET6);
    CHECK(s.opened[0].type == SOCK_STREAM);
    CHECK(s.opened[0].cloexec);
    Args c = args({0x1000 /* CLONE_PIDFD */, 0});
    int32_t pidfd = 8;
    c[2].data.assign(reinterpret_cast<const char*>(&pidfd), sizeof pidfd);
    FdEffects cl = fd_effects(SysNo::clone, c, 4242);
    REQUIRE(cl.news().size() == 1);
    CHECK(cl.opened[0].fd == 8);
    CHECK(cl.opened[0].kind == FdKind::Pidfd);
    CHECK(cl.opened[0].process == 4242);
    CHECK(fd_effects(SysNo::io_uring_setup, args({8, 0}), 6).unseen_changes);
  }
}

TEST_CASE("send and receive flags: every read and write family member, nothing else", "[fd_effects][syscalls]") {
  for (SysNo s : {SysNo::write, SysNo::pwrite64, SysNo::writev, SysNo::pwritev, SysNo::pwritev2, SysNo::sendto,
                  SysNo::sendmsg, SysNo::sendmmsg}) {
    CHECK(syscall_info(s).has(kSends));
    CHECK_FALSE(syscall_info(s).has(kReceives));
  }
  for (SysNo s : {SysNo::read, SysNo::pread64, SysNo::readv, SysNo::preadv, SysNo::preadv2, SysNo::recvfrom,
                  SysNo::recvmsg, SysNo::recvmmsg}) {
    CHECK(syscall_info(s).has(kReceives));
    CHECK_FALSE(syscall_info(s).has(kSends));
  }
  int both = 0;
  for (const SyscallInfo& info : all_syscalls()) both += info.has(kSends) + info.has(kReceives);
  CHECK(both == 16);
}
