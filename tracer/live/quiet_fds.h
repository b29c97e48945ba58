// Quiet fds: per process, the open fds known to be regular files (live source, fast path).
// When only the diagnosis reads the trace, a read/write on such an fd is let run at its
// seccomp entry stop (PTRACE_CONT: no exit stop, no buffer copy, no event): no analyzer
// looks at file data, and a regular file on a local filesystem never blocks for long (nor do
// /dev/null, /dev/zero and /dev/urandom, which are quiet too). Files on NFS, SMB, FUSE or any
// filesystem not known to be local are not quiet: a dead server hangs their reads. Its close skips the exit
// stop too (live_quiet.cpp). Sockets, pipes, FIFOs,
// terminals and devices (/dev/random) are never quiet, nor are fds 0-2 (stderr messages).
//
// The set is kept from syscall exits the filter always stops on (opens, close, dup*, fcntl,
// close_range, every call returning an fd), fork/clone and exec. Whenever it cannot be sure
// (a process sharing its fd table with another process, io_uring, a child seen before its
// parent's fork event), it forgets: fewer quiet fds, never a wrong one.
// Plain data in, no ptrace and no analyzers: unit-tested on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "gotrace/arg.h"
#include "gotrace/syscall_table.h"

namespace gotrace::live {

class QuietFds {
 public:
  // Whether `fd` of process `pid` is a regular file opened during the trace.
  bool quiet(int pid, int fd) const {
    auto it = procs_.find(pid);
    if (it == procs_.end() || fd < 0) return false;
    const std::vector<bool>& q = it->second.quiet;
    return static_cast<std::size_t>(fd) < q.size() && q[static_cast<std::size_t>(fd)];
  }
  // Whether `s` is a read/write of an fd (first argument) that a quiet fd can skip.
  static bool skippable(SysNo s) { return syscall_info(s).has(kStreamIo); }

  // After the exit of `s` in process `pid` (args as captured, `ret` the raw result).
  // `never_blocks(fd)` is asked, for a new fd of an open (not O_PATH, not O_DIRECTORY, not
  // 0-2), whether it never blocks (see fd_never_blocks).
  void on_exit(int pid, SysNo s, const Args& args, int64_t ret, const std::function<bool(int)>& never_blocks);
  // A new task `child_pid` made by `parent_pid` with clone `flags` (0 for fork/vfork).
  // Call it when the parent's fork/clone event arrives, whether or not the child was seen.
  void on_clone(int parent_pid, int child_pid, uint64_t flags);
  // A process the live source had not seen before (it may reuse an old pid): nothing known.
  void on_new_process(int pid) { procs_.erase(pid); }
  // exec closes the close-on-exec fds: forget them all.
  void on_exec(int pid);
  void on_process_gone(int pid) { procs_.erase(pid); }
  // `fd` was closed (a quiet close: its exit is not stopped on).
  void forget(int pid, int fd) {
    auto it = procs_.find(pid);
    if (it != procs_.end()) set(it->second, fd, false);
  }

  // Whether fd `fd` of stopped task `tid` is a regular file on a local filesystem or a memory
  // device that never blocks (/dev/null, zero, full, urandom; not /dev/random): one statx of
  // /proc/TID/fd/FD (follows the link to the open file; cached attributes only) at the exit
  // of an open, and one read of /proc/self/mountinfo per filesystem (device) seen, cached.
  bool fd_never_blocks(int tid, int fd);

 private:
  struct Proc {
    std::vector<bool> quiet;  // by fd number
    bool disabled = false;    // fd table shared with another process: never quiet
  };
  void set(Proc& p, int64_t fd, bool on);
  std::unordered_map<int, Proc> procs_;
  std::unordered_map<uint64_t, bool> local_fs_;  // st_dev -> a local filesystem
};

}  // namespace gotrace::live
