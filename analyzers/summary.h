// The strace -c table, as a consumer of the event stream (so replay gets it for free),
// plus what strace leaves out: calls still in flight when the trace ended (strace #97).
#pragma once

#include <array>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "gotrace/consumer.h"
#include "gotrace/syscall_filter.h"
#include "node_cache.h"

namespace gotrace::analyzers {

enum class SortKey { Time, Calls, Errors, Name, Nothing };

// "time", "calls", "errors", "name" (also strace's "syscall"), "nothing".
// Throws UsageError otherwise.
SortKey parse_sort_key(std::string_view s);

class Summary final : public EventConsumer {
 public:
  Summary(SortKey sort, SyscallFilter filter) : sort_(sort), filter_(std::move(filter)) {}
  void on_event(const Event& e) override;

  // The table in strace's exact layout. Time is wall-clock from entry to exit.
  std::string table() const;
  // Calls that never returned: in flight at the end, or cut short by their thread's death.
  // Empty when there are none.
  std::string unfinished() const;
  // One line below the table: the failed calls split into real errors and the ones that are
  // expected (EAGAIN/EINPROGRESS of non-blocking I/O, futex timeouts, EPERM from epoll_ctl
  // on a regular file, calls interrupted by signals), by syscall and errno. Empty when no
  // call failed. The table itself stays strace's.
  std::string error_breakdown() const;
  static bool expected_error(SysNo s, int64_t ret);

  struct Stat {
    uint64_t calls = 0;
    uint64_t errors = 0;
    Nanos time{0};
  };
  const Stat& stat(SysNo s) const { return known_[static_cast<std::size_t>(s)]; }

 private:
  struct InFlight {
    int32_t pid = 0;
    SysNo sysno = SysNo::unknown;
    int32_t number = -1;
    Nanos entered{0};
    bool interrupted = false;  // returned ERESTART*: a signal is being handled
    Args args;
  };
  struct Unfinished {
    int32_t pid, tid;
    std::string call;  // formatted head of the call
    Nanos blocked;
    std::string why;   // "in progress" or "killed by SIGINT"
  };
  void note_unfinished(int32_t tid, const InFlight& f, Nanos until, std::string why);

  SortKey sort_;
  SyscallFilter filter_;
  std::array<Stat, kSyscallCount> known_{};
  std::map<int32_t, Stat> unknown_;  // by number
  std::map<std::pair<int32_t, int>, uint64_t> errors_;  // (SysNo, or -1 - number if unknown; errno) -> count
  std::unordered_map<int32_t, InFlight> in_flight_;  // by tid
  NodeCache<std::unordered_map<int32_t, InFlight>> spare_;
  std::vector<Unfinished> unfinished_;
  bool ended_ = false;
  bool filtered_ = false;  // the trace stopped only on some syscalls (seccomp fast path)
  bool quiet_files_ = false;  // and not on reads/writes/closes of regular files
  bool light_ = false;  // TraceStart.light
};

}  // namespace gotrace::analyzers
