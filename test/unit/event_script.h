// EventScript: a typed builder of event sequences for unit tests of consumers (summary,
// sinks, analyzers). Time only moves when the script says so.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gotrace/consumer.h"

namespace gotrace::test {

class EventScript {
 public:
  // Advances the clock.
  EventScript& after(Nanos d) {
    now_ += d;
    return *this;
  }
  EventScript& after_ms(int64_t ms) { return after(std::chrono::milliseconds(ms)); }

  EventScript& start(std::vector<std::string> command = {"prog"}) {
    return push(0, 0, TraceStart{1'700'000'000'000'000'000, kHostArch, "test", std::move(command), {}});
  }
  EventScript& start_with(TraceStart t) { return push(0, 0, std::move(t)); }  // filtered, attached...
  EventScript& process(int pid, int parent = 0, std::vector<std::string> argv = {"prog"}) {
    return push(pid, pid, ProcessStart{Pid{parent}, std::move(argv)});
  }
  EventScript& thread(int pid, int tid, int parent_tid) {
    return push(pid, tid, ThreadStart{Tid{parent_tid}});
  }
  // A syscall entry with raw argument values (data left empty unless set with `data`).
  EventScript& enter(int pid, int tid, SysNo s, std::vector<uint64_t> raw = {}) {
    SyscallEnter e;
    e.call = ++calls_;
    e.sysno = s;
    e.number = syscall_number(kHostArch, s);
    for (std::size_t i = 0; i < raw.size() && i < kMaxArgs; ++i) e.args[i].raw = raw[i];
    pending_[tid] = {e, now_};
    return push(pid, tid, e);
  }
  // Sets captured bytes on the argument of tid's pending call (before exit()).
  EventScript& data(int tid, int arg, std::string bytes) {
    Arg& a = pending_[tid].first.args[static_cast<std::size_t>(arg)];
    a.data = std::move(bytes);
    a.state = ArgState::Captured;
    return *this;
  }
  // Like data(), but captured at entry: the entry event just pushed carries the bytes too.
  EventScript& entry_data(int tid, int arg, std::string bytes) {
    if (!events_.empty() && raw(events_.back().tid) == tid)
      if (auto* e = std::get_if<SyscallEnter>(&events_.back().body)) {
        e->args[static_cast<std::size_t>(arg)].data = bytes;
        e->args[static_cast<std::size_t>(arg)].state = ArgState::Captured;
      }
    return data(tid, arg, std::move(bytes));
  }
  EventScript& exit(int pid, int tid, int64_t ret) {
    auto& [e, entered] = pending_[tid];
    SyscallExit x;
    x.call = e.call;
    x.sysno = e.sysno;
    x.number = e.number;
    x.ret = ret;
    x.entered = entered;
    x.args = e.args;
    pending_.erase(tid);
    return push(pid, tid, x);
  }
  // enter + exit with no time in between.
  EventScript& call(int pid, int tid, SysNo s, std::vector<uint64_t> raw, int64_t ret) {
    return enter(pid, tid, s, std::move(raw)).exit(pid, tid, ret);
  }
  EventScript& signal(int pid, int tid, int signo) {
    return push(pid, tid, Signal{signo, SignalStop::Delivery, 0, 0, 0, 0, 0});
  }
  EventScript& thread_exit(int pid, int tid, int wait_status) {
    return push(pid, tid, ThreadExit{wait_status});
  }
  EventScript& tick(uint64_t io_bytes = 0) { return push(0, 0, Tick{io_bytes}); }
  EventScript& tick_usage(uint64_t io_bytes, Usage u) { return push(0, 0, Tick{io_bytes, u}); }
  // A Stack for the last call entered (innermost frame first), as the live source follows a
  // call's entry (or its exit) with one.
  EventScript& stack(int pid, int tid, std::vector<StackFrame> frames, std::string note = {}) {
    return push(pid, tid, Stack{calls_, std::move(frames), std::move(note)});
  }
  EventScript& snapshot(int pid, Snapshot snap) { return push(pid, pid, std::move(snap)); }
  // What /proc said of quiet threads of `pid` (live source, at a Tick).
  EventScript& thread_states(int pid, std::vector<ThreadState> threads) {
    return push(pid, pid, ThreadStates{std::move(threads)});
  }
  EventScript& exec(int pid, int tid, std::vector<std::string> argv, int former_tid = 0) {
    return push(pid, tid, Exec{argv.empty() ? "" : argv[0], argv, Tid{former_tid ? former_tid : tid}});
  }
  EventScript& end(EndReason r = EndReason::AllExited, int status = 0) {
    return push(0, 0, TraceEnd{r, status});
  }
  EventScript& end_usage(int status, Usage u) { return push(0, 0, TraceEnd{EndReason::AllExited, status, u}); }

  void play(EventConsumer& c) const {
    for (const Event& e : events_) c.on_event(e);
  }
  const std::vector<Event>& events() const { return events_; }

 private:
  template <typename Body>
  EventScript& push(int pid, int tid, Body b) {
    events_.push_back(Event{now_, Pid{pid}, Tid{tid}, std::move(b)});
    return *this;
  }
  Nanos now_{0};
  uint64_t calls_ = 0;
  std::vector<Event> events_;
  std::map<int, std::pair<SyscallEnter, Nanos>> pending_;
};

}  // namespace gotrace::test
