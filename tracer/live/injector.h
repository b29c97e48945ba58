// --inject's bookkeeping for the live loop (strace's -e inject=): which call of which thread
// is tampered with, the results waiting for their exit stop, and the threads held for a
// delay. Holding a thread means not restarting it from its stop; only that thread waits,
// the rest of the program and gotrace's loop go on, and the loop restarts it when its
// deadline passes (or at once when the trace ends).
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include "gotrace/event.h"
#include "syscall_tamper.h"

namespace gotrace::live {

class Injector {
 public:
  explicit Injector(std::vector<engine::TamperRule> rules);

  bool active() const { return !rules_.empty(); }

  // At a syscall's entry stop. Counts the call (per thread and syscall, as strace counts
  // per tracee) and, when a rule fires, skips the call for an error= or retval= rule.
  // Returns how long to hold the thread before restarting it (0: restart now).
  Nanos on_entry(int tid, SysNo s);

  // At a syscall's exit stop: writes the result injected at entry, if any, into the
  // return register and into `rval`. Returns how long to hold the thread (delay_exit).
  Nanos on_exit(int tid, int64_t& rval);

  // Holds: a thread stopped and not restarted until `until`. An exit held carries its
  // SyscallExit event, emitted on release so the delay shows in the call's duration.
  struct Hold {
    int tid = 0;
    Nanos until{0};
    std::optional<Event> exit_event;
    std::optional<Event> stack_event;  // the exit's Stack (an EMFILE's), emitted after it
  };
  void hold(int tid, Nanos until, std::optional<Event> exit_event = std::nullopt,
            std::optional<Event> stack_event = std::nullopt);
  bool holding() const { return !holds_.empty(); }
  bool held(int tid) const;
  // Removes and returns the holds due at `now` (all of them when `all`).
  std::vector<Hold> take_due(Nanos now, bool all = false);
  // Removes and returns the hold of `tid` (the thread stopped again: killed meanwhile).
  std::optional<Hold> take(int tid);
  // The earliest deadline among holds (meaningful only when holding()).
  Nanos next_deadline() const;

  // After the trace's end was requested: no new delays (results are still injected).
  void stop_delays() { delays_ = false; }
  // A thread exited; a non-leader thread's exec gave its state to the leader's tid.
  void forget(int tid);
  void moved(int from_tid, int to_tid);

 private:
  struct Thread {
    std::unordered_map<uint16_t, uint32_t> counts;  // SysNo -> invocations so far
    std::optional<int64_t> pending;                  // injected result awaiting the exit stop
    Nanos delay_exit{0};
  };
  std::vector<engine::TamperRule> rules_;
  std::vector<int16_t> rule_of_;  // SysNo -> index in rules_ (the last rule naming it), or -1
  std::unordered_map<int, Thread> threads_;
  std::vector<Hold> holds_;
  bool delays_ = true;
};

}  // namespace gotrace::live
