// What a completed call did to its process's fd table, read from the call alone (number,
// captured arguments, result; no process state): the fds it opened (of which kind,
// close-on-exec or not, copying which), closed (close, close_range, the target of dup2/dup3)
// or marked close-on-exec. The one place that knows this, beside the syscall table: the
// process table (analyzers), quiet fds and the light policy (tracer/live) and the network
// waits all read it, so they cannot drift apart.
#pragma once

#include <cstdint>
#include <span>

#include "gotrace/event.h"

namespace gotrace {

enum class FdKind : uint8_t { File, Socket, Pipe, Epoll, Other, Pidfd };  // Pidfd: a process

struct NewFd {
  int fd = -1;
  FdKind kind = FdKind::Other;
  bool cloexec = false;
  int copy_of = -1;          // dup, dup2, dup3, fcntl(F_DUPFD*): the fd it duplicates
  int path_arg = -1;         // open family: the argument holding the path
  uint64_t open_flags = 0;   // open family: O_* flags (creat: O_CREAT|O_WRONLY|O_TRUNC)
  int domain = 0, type = 0;  // socket, socketpair: AF_*, SOCK_* without its flags
  int listener = -1;         // accept, accept4: the listening socket (its domain is the new one's)
  int peer_arg = -1;         // accept, accept4: the argument holding the peer's address
  bool pipe_write = false;   // pipe, pipe2: the write end
  int32_t process = 0;       // pidfds: the process it refers to
};

struct FdEffects {
  // Closed first..last, before anything is opened (close: one fd; close_range: a range;
  // dup2/dup3: the target, closed if it was open). With cloexec_only (CLOSE_RANGE_CLOEXEC)
  // they stay open, marked close-on-exec. close_first < 0: nothing.
  int64_t close_first = -1;
  uint64_t close_last = 0;
  bool cloexec_only = false;
  int cloexec_fd = -1;  // fcntl(F_SETFD): this fd's close-on-exec is set to `cloexec`
  bool cloexec = false;
  bool unseen_changes = false;  // io_uring_setup: from now on fds may change with no syscall
  NewFd opened[2];
  int n_opened = 0;

  std::span<const NewFd> news() const { return {opened, static_cast<std::size_t>(n_opened)}; }
  bool closes(int fd) const {
    return close_first >= 0 && fd >= close_first && static_cast<uint64_t>(fd) <= close_last;
  }
};

// Whether a call of `s` can change the fd table at all (a cheap test before fd_effects).
inline bool may_change_fds(SysNo s) { return syscall_info(s).has(kReturnsFd | kFdTable) || s == SysNo::clone; }

// The effects of call `s` with (captured) arguments `a` that returned `ret` (a failed call
// has none).
FdEffects fd_effects(SysNo s, const Args& a, int64_t ret);
inline FdEffects fd_effects(const SyscallExit& x) { return fd_effects(x.sysno, x.args, x.ret); }

// Whether a call of `s` whose second argument is `arg1` waits for a file lock: flock with
// LOCK_SH or LOCK_EX and no LOCK_NB, fcntl F_SETLKW or F_OFD_SETLKW (the lock on arg 0).
inline bool waits_for_lock(SysNo s, uint64_t arg1) {
  const auto v = static_cast<uint32_t>(arg1);  // an int: the kernel reads 32 bits
  if (s == SysNo::flock) return (v & 4u) == 0 && (v & 3u) != 0;  // LOCK_NB; LOCK_SH | LOCK_EX
  if (s == SysNo::fcntl) return v == 7 || v == 38;               // F_SETLKW, F_OFD_SETLKW
  return false;
}

}  // namespace gotrace
