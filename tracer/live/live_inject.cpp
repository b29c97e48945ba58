// The live loop's --inject hooks: holding a thread for a delay and restarting it on time,
// without ever sleeping in the loop. See injector.h.
#include <sys/time.h>

#include <algorithm>

#include "live_impl.h"

namespace gotrace::live {

namespace {
constexpr Nanos kTickPeriod = std::chrono::milliseconds(200);  // run()'s SIGALRM period
}

// Precondition: `t` is in a syscall-entry stop, its call counted by nobody yet.
bool LiveSource::Impl::hold_at_entry(Task& t, Nanos ts) {
  Nanos delay = injector.on_entry(t.tid, t.sysno);
  if (delay.count() <= 0) return false;
  injector.hold(t.tid, ts + delay);
  arm_wakeup(ts);
  return true;
}

// The exit event just built in exit_ev (and the stack in stack_ev, if one was taken for
// it) is kept and emitted when the thread is restarted.
void LiveSource::Impl::hold_exit(int tid, Nanos until, bool with_stack) {
  injector.hold(tid, until, exit_ev, with_stack ? std::optional<Event>(stack_ev) : std::nullopt);
  arm_wakeup(now());
}

// A held call's exit happened now (the delay is in its duration); its stack follows it.
void LiveSource::Impl::emit_held(Injector::Hold& h) {
  if (!out) return;
  Nanos ts = now();
  if (h.exit_event) {
    h.exit_event->ts = ts;
    out->on_event(*h.exit_event);
  }
  if (h.stack_event) {
    h.stack_event->ts = ts;
    out->on_event(*h.stack_event);
  }
}

void LiveSource::Impl::service_holds(Nanos ts) {
  if (!injector.holding()) return;
  Nanos next = injector.next_deadline();
  if (next <= ts) {
    release(injector.take_due(ts));
    arm_wakeup(ts);
  } else if (next != wakeup_for && next - ts < kTickPeriod) {
    arm_wakeup(ts);  // the deadline comes before the next periodic alarm
  }
}

// The trace ends (Ctrl-C, --duration, detach): every held thread goes on at once, and no
// new delay starts. A held thread is already stopped: detaching it by interrupt-and-wait
// would wait for ever.
void LiveSource::Impl::release_holds() {
  injector.stop_delays();
  if (injector.holding()) release(injector.take_due(now(), true));
}

// A held thread reported a new stop or its end (killed meanwhile): the hold is void; its
// exit, if one was held, happened now.
void LiveSource::Impl::drop_hold(int tid) {
  if (auto h = injector.take(tid)) emit_held(*h);
}

void LiveSource::Impl::release(std::vector<Injector::Hold> holds) {
  for (Injector::Hold& h : holds) {
    auto it = tasks.find(h.tid);
    if (it != tasks.end()) resume(it->second);
    emit_held(h);
  }
}

// SIGALRM interrupts waitpid every 200 ms; while a thread is held, the next alarm comes at
// its deadline instead (the period stays 200 ms).
void LiveSource::Impl::arm_wakeup(Nanos ts) {
  Nanos first = kTickPeriod;
  wakeup_for = Nanos{-1};
  if (injector.holding() && injector.next_deadline() - ts < kTickPeriod) {
    wakeup_for = injector.next_deadline();
    first = std::max(wakeup_for - ts, Nanos{std::chrono::microseconds(100)});
  }
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(first).count();
  itimerval t{{0, 200'000}, {static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)}};
  setitimer(ITIMER_REAL, &t, nullptr);
}

}  // namespace gotrace::live
