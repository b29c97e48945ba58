// The fd-table effects of a call. See fd_effects.h.
#include "gotrace/fd_effects.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace gotrace {
namespace {

constexpr uint64_t kClonePidfd = 0x1000;  // CLONE_PIDFD
constexpr uint64_t kCloseRangeCloexec = 4;  // CLOSE_RANGE_CLOEXEC

NewFd& open_one(FdEffects& e, int fd, FdKind kind, bool cloexec) {
  NewFd& n = e.opened[e.n_opened++];
  n.fd = fd;
  n.kind = kind;
  n.cloexec = cloexec;
  return n;
}

void dup_to(FdEffects& e, int from, int to, bool cloexec) {
  open_one(e, to, FdKind::Other, cloexec).copy_of = from;
}

// pipe, pipe2, socketpair: the two fds written to the output argument.
void open_pair(FdEffects& e, SysNo s, const Args& a) {
  const Arg& out = a[s == SysNo::socketpair ? 3 : 0];
  if (out.data.size() < 2 * sizeof(int)) return;
  int fds[2];
  std::memcpy(fds, out.data.data(), sizeof fds);
  bool cloexec = s == SysNo::pipe2 ? (a[1].raw & O_CLOEXEC) != 0
                 : s == SysNo::socketpair ? (a[1].raw & SOCK_CLOEXEC) != 0 : false;
  for (int end = 0; end < 2; ++end) {
    NewFd& n = open_one(e, fds[end], s == SysNo::socketpair ? FdKind::Socket : FdKind::Pipe, cloexec);
    n.domain = AF_UNIX;
    n.pipe_write = s != SysNo::socketpair && end == 1;
  }
}

void open_file(FdEffects& e, SysNo s, const Args& a, int fd) {
  uint64_t flags = s == SysNo::openat ? a[2].raw : s == SysNo::open ? a[1].raw : 0;
  if (s == SysNo::creat) flags = O_CREAT | O_WRONLY | O_TRUNC;
  if (s == SysNo::openat2 && a[2].data.size() >= sizeof flags) std::memcpy(&flags, a[2].data.data(), sizeof flags);
  NewFd& n = open_one(e, fd, FdKind::File, (flags & O_CLOEXEC) != 0);
  n.path_arg = s == SysNo::open || s == SysNo::creat ? 0 : 1;
  n.open_flags = flags;
}

}  // namespace

FdEffects fd_effects(SysNo sysno, const Args& a, int64_t result) {
  FdEffects e;
  if (result < 0 && result >= -4095) {
    // Linux releases the fd whatever close() returns (EINTR, EIO: the error is about the
    // data), except EBADF: there was no such fd.
    if (sysno == SysNo::close && result != -EBADF) {
      e.close_first = static_cast<int>(a[0].raw);
      e.close_last = static_cast<uint64_t>(e.close_first);
    }
    return e;
  }
  int ret = static_cast<int>(result);
  auto close_range = [&](int64_t first, uint64_t last) {
    e.close_first = first;
    e.close_last = last;
  };
  switch (sysno) {
    case SysNo::open:
    case SysNo::creat:
    case SysNo::openat:
    case SysNo::openat2:
      open_file(e, sysno, a, ret);
      break;
    case SysNo::socket: {
      NewFd& n = open_one(e, ret, FdKind::Socket, (a[1].raw & SOCK_CLOEXEC) != 0);
      n.domain = static_cast<int>(a[0].raw);
      n.type = static_cast<int>(a[1].raw & 0xf);
      break;
    }
    case SysNo::accept:
    case SysNo::accept4: {
      NewFd& n = open_one(e, ret, FdKind::Socket, sysno == SysNo::accept4 && (a[3].raw & SOCK_CLOEXEC));
      n.type = SOCK_STREAM;
      n.listener = static_cast<int>(a[0].raw);
      n.peer_arg = 1;
      break;
    }
    case SysNo::dup:
      dup_to(e, static_cast<int>(a[0].raw), ret, false);
      break;
    case SysNo::dup2:
    case SysNo::dup3:
      if (static_cast<int>(a[0].raw) == ret) break;  // dup2(fd, fd) does nothing
      close_range(ret, static_cast<uint64_t>(ret));  // the target, if it was open
      dup_to(e, static_cast<int>(a[0].raw), ret, sysno == SysNo::dup3 && (a[2].raw & O_CLOEXEC));
      break;
    case SysNo::fcntl:
      if (a[1].raw == F_DUPFD || a[1].raw == F_DUPFD_CLOEXEC) {
        dup_to(e, static_cast<int>(a[0].raw), ret, a[1].raw == F_DUPFD_CLOEXEC);
      } else if (a[1].raw == F_SETFD) {
        e.cloexec_fd = static_cast<int>(a[0].raw);
        e.cloexec = (a[2].raw & FD_CLOEXEC) != 0;
      }
      break;
    case SysNo::pipe:
    case SysNo::pipe2:
    case SysNo::socketpair:
      open_pair(e, sysno, a);
      break;
    case SysNo::epoll_create:
    case SysNo::epoll_create1:
      open_one(e, ret, FdKind::Epoll, sysno == SysNo::epoll_create1 && (a[0].raw & O_CLOEXEC));
      break;
    case SysNo::pidfd_open:  // pidfds are always close-on-exec
      open_one(e, ret, FdKind::Pidfd, true).process = static_cast<int32_t>(a[0].raw);
      break;
    case SysNo::clone:  // CLONE_PIDFD: the child's pidfd, written at parent_tid (Go >= 1.23's os/exec)
      if ((a[0].raw & kClonePidfd) && a[2].data.size() >= 4) {
        int32_t pidfd;
        std::memcpy(&pidfd, a[2].data.data(), 4);
        open_one(e, pidfd, FdKind::Pidfd, true).process = ret;  // the child
      }
      break;
    case SysNo::close:
      close_range(static_cast<int>(a[0].raw), static_cast<uint64_t>(static_cast<int>(a[0].raw)));
      break;
    case SysNo::close_range:
      close_range(static_cast<int64_t>(static_cast<uint32_t>(a[0].raw)), a[1].raw);
      e.cloexec_only = (a[2].raw & kCloseRangeCloexec) != 0;
      break;
    default:
      e.unseen_changes = sysno == SysNo::io_uring_setup;
      if (syscall_info(sysno).has(kReturnsFd) && ret >= 0) open_one(e, ret, FdKind::Other, false);
  }
  return e;
}

}  // namespace gotrace
