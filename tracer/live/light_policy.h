// Light mode (gotrace's default when it launches the command): the seccomp filter stops the
// command only on calls that change what the analyzers know (processes, sockets and connect,
// limits, pipes and dups, getrandom) and lets every file open, read, write and close run
// unseen. A process stops at every call (every_call(): PTRACE_SYSCALL) only
// while that matters:
//  - connection window: from a socket's connect() until the first answer is read on it (or
//    it is closed), so the DNS query, TLS ClientHello or first request and the time to the
//    answer are seen;
//  - fd pressure: an RLIMIT_NOFILE soft limit of at most kSmallNofile, 3/4 of it in use, or
//    a call that failed with EMFILE/ENFILE: the failing calls and the fds behind them are
//    seen;
//  - stuck: a tick in which the traced processes moved no bytes (/proc/PID/io) and used
//    little CPU makes every process stop at every call until bytes move again (the live source also
//    emits a fresh Snapshot of each, so the analyzers' fd tables are right again).
// Cheap while healthy, every call seen while hung. Plain data in, decisions out: no ptrace, no
// /proc (live_light.cpp does that), unit-tested.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gotrace/arg.h"
#include "gotrace/syscall_table.h"

namespace gotrace::live {

class LightPolicy {
 public:
  static constexpr uint64_t kSmallNofile = 256;
  // The calls a program makes for every file it touches, which light mode's filter lets
  // run unseen: opens, the read/write family, close.
  static bool per_file(SysNo s, const SyscallInfo& info) {
    return info.has(kStreamIo) || (info.has(kReturnsFd) && info.has(kFile)) || s == SysNo::close ||
           s == SysNo::close_range;
  }
  // Of those, what still stops: writes to stderr, where Go's runtime and shells say what
  // failed ("failed to create new OS thread", "fork: retry"), evidence for the findings.
  static std::vector<ArgCondition> kept_per_file() { return {{SysNo::write, 0, {2}}}; }

  // Whether every call of process `pid` must stop now.
  bool every_call(int pid) const {
    return stuck_ || windows_.count(pid) != 0 || small_limit_.count(pid) != 0 || exhausted_.count(pid) != 0;
  }
  bool stuck() const { return stuck_; }
  // Under fd pressure (a small limit, 3/4 used, or EMFILE/ENFILE seen).
  bool pressed(int pid) const { return small_limit_.count(pid) != 0 || exhausted_.count(pid) != 0; }

  // A call's exit seen in `pid` (a traced call, or any call while every call stops). True when
  // every_call(pid) changed.
  bool on_exit(int pid, SysNo s, const Args& a, int64_t ret);
  // RLIMIT_NOFILE's soft limit and the fds open, read at exec, after a limits call and at
  // ticks. True when every_call(pid) changed.
  bool on_nofile(int pid, uint64_t soft, std::size_t open);
  void on_fork(int parent, int child);  // the child shares the parent's limits
  void on_exec(int pid);                // close-on-exec sockets are gone; limits re-read next
  void on_gone(int pid);
  // At a tick: whether the traced processes moved bytes, or used CPU, since the last one.
  // +1 when every process just began stopping at every call (stuck), -1 when that ended, else 0.
  int on_tick(bool bytes_moved, bool busy);

 private:
  bool window_io(int pid, int fd, bool send, int64_t ret);
  struct Window {
    bool sent = false;  // something was written since connect: the next data read answers it
  };
  bool stuck_ = false;
  std::unordered_map<int, std::unordered_map<int, Window>> windows_;  // pid -> fd -> window
  std::unordered_set<int> small_limit_;  // limit-based pressure: re-evaluated
  std::unordered_set<int> exhausted_;    // EMFILE/ENFILE seen: until exec
};

}  // namespace gotrace::live
