// The fd-table effects of a call. See fd_effects.h.
#include "gotrace/fd_effects.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <array>
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

// The arguments as the kernel reads them (SyscallInfo::value): an fd or a flag word is the
// low 32 bits of its register.
std::array<uint64_t, kMaxArgs> values(SysNo s, const Args& a) {
  std::array<uint64_t, kMaxArgs> v{};
  const SyscallInfo& info = syscall_info(s);
  for (int i = 0; i < kMaxArgs; ++i) v[static_cast<std::size_t>(i)] = info.value(a, i);
  return v;
}

void dup_to(FdEffects& e, int from, int to, bool cloexec) {
  open_one(e, to, FdKind::Other, cloexec).copy_of = from;
}

// pipe, pipe2, socketpair: the two fds written to the output argument.
void open_pair(FdEffects& e, SysNo s, const Args& a) {
  const Arg& out = a[s == SysNo::socketpair ? 3 : 0];
  const auto v = values(s, a);
  if (out.data.size() < 2 * sizeof(int)) return;
  int fds[2];
  std::memcpy(fds, out.data.data(), sizeof fds);
  bool cloexec = s == SysNo::pipe2 ? (v[1] & O_CLOEXEC) != 0
                 : s == SysNo::socketpair ? (v[1] & SOCK_CLOEXEC) != 0 : false;
  for (int end = 0; end < 2; ++end) {
    NewFd& n = open_one(e, fds[end], s == SysNo::socketpair ? FdKind::Socket : FdKind::Pipe, cloexec);
    n.domain = AF_UNIX;
    n.pipe_write = s != SysNo::socketpair && end == 1;
  }
}

void open_file(FdEffects& e, SysNo s, const Args& a, int fd) {
  const auto v = values(s, a);
  uint64_t flags = s == SysNo::openat ? v[2] : s == SysNo::open ? v[1] : 0;
  if (s == SysNo::creat) flags = O_CREAT | O_WRONLY | O_TRUNC;
  if (s == SysNo::openat2 && a[2].data.size() >= sizeof flags) std::memcpy(&flags, a[2].data.data(), sizeof flags);
  NewFd& n = open_one(e, fd, FdKind::File, (flags & O_CLOEXEC) != 0);
  n.path_arg = s == SysNo::open || s == SysNo::creat ? 0 : 1;
  n.open_flags = flags;
}

}  // namespace

FdEffects fd_effects(SysNo sysno, const Args& a, int64_t result) {
  FdEffects e;
  const auto v = values(sysno, a);
  if (result < 0 && result >= -4095) {
    // Linux releases the fd whatever close() returns (EINTR, EIO: the error is about the
    // data), except EBADF: there was no such fd.
    if (sysno == SysNo::close && result != -EBADF) {
      e.close_first = static_cast<int>(v[0]);
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
      NewFd& n = open_one(e, ret, FdKind::Socket, (v[1] & SOCK_CLOEXEC) != 0);
      n.domain = static_cast<int>(v[0]);
      n.type = static_cast<int>(v[1] & 0xf);
      break;
    }
    case SysNo::accept:
    case SysNo::accept4: {
      NewFd& n = open_one(e, ret, FdKind::Socket, sysno == SysNo::accept4 && (v[3] & SOCK_CLOEXEC));
      n.type = SOCK_STREAM;
      n.listener = static_cast<int>(v[0]);
      n.peer_arg = 1;
      break;
    }
    case SysNo::dup:
      dup_to(e, static_cast<int>(v[0]), ret, false);
      break;
    case SysNo::dup2:
    case SysNo::dup3:
      if (static_cast<int>(v[0]) == ret) break;  // dup2(fd, fd) does nothing
      close_range(ret, static_cast<uint64_t>(ret));  // the target, if it was open
      dup_to(e, static_cast<int>(v[0]), ret, sysno == SysNo::dup3 && (v[2] & O_CLOEXEC));
      break;
    case SysNo::fcntl:
      if (v[1] == F_DUPFD || v[1] == F_DUPFD_CLOEXEC) {
        dup_to(e, static_cast<int>(v[0]), ret, v[1] == F_DUPFD_CLOEXEC);
      } else if (v[1] == F_SETFD) {
        e.cloexec_fd = static_cast<int>(v[0]);
        e.cloexec = (v[2] & FD_CLOEXEC) != 0;
      }
      break;
    case SysNo::pipe:
    case SysNo::pipe2:
    case SysNo::socketpair:
      open_pair(e, sysno, a);
      break;
    case SysNo::epoll_create:
    case SysNo::epoll_create1:
      open_one(e, ret, FdKind::Epoll, sysno == SysNo::epoll_create1 && (v[0] & O_CLOEXEC));
      break;
    case SysNo::pidfd_open:  // pidfds are always close-on-exec
      open_one(e, ret, FdKind::Pidfd, true).process = static_cast<int32_t>(v[0]);
      break;
    case SysNo::clone:  // CLONE_PIDFD: the child's pidfd, written at parent_tid (Go >= 1.23's os/exec)
      if ((v[0] & kClonePidfd) && a[2].data.size() >= 4) {
        int32_t pidfd;
        std::memcpy(&pidfd, a[2].data.data(), 4);
        open_one(e, pidfd, FdKind::Pidfd, true).process = ret;  // the child
      }
      break;
    case SysNo::close:
      close_range(static_cast<int>(v[0]), static_cast<uint64_t>(static_cast<int>(v[0])));
      break;
    case SysNo::close_range:
      close_range(static_cast<int64_t>(static_cast<uint32_t>(v[0])), v[1]);
      e.cloexec_only = (v[2] & kCloseRangeCloexec) != 0;
      break;
    default:
      e.unseen_changes = sysno == SysNo::io_uring_setup;
      if (syscall_info(sysno).has(kReturnsFd) && ret >= 0) open_one(e, ret, FdKind::Other, false);
  }
  return e;
}

}  // namespace gotrace
