// Quiet threads, read from /proc without stopping them. See ThreadStates in event.h.
//
// Under the seccomp fast path futex, nanosleep, epoll waits (and any call a higher-priority
// filter of the command's own lets through) never stop the tracee, and a call in progress at
// attach showed no entry: the stall report would not know where those threads wait, nor
// whether a thread with no call in flight is burning CPU. At each Tick, every thread with no
// ptrace stop for a quarter of the tick period and no traced call in flight is read from
// /proc/PID/task/TID/{syscall,stat}; those whose state changed since their last report (wchan
// and sched read then, if in a syscall) go out as one ThreadStates event per process, before
// the Tick, so the stall check sees them. Cost: two small reads per quiet thread per tick,
// nothing per syscall.
#include <algorithm>
#include <set>

#include "gotrace/fd_effects.h"
#include <map>

#include "live_impl.h"
#include "proc_facts.h"

namespace gotrace::live {

void LiveSource::Impl::on_tick(Nanos ts) {
  last_tick = ts;
  ts = now();  // events handled since `ts` was read carry later times: keep the stream in order
  report_quiet_threads(ts);
  Usage usage;
  uint64_t io = count_io(ts, usage);  // light mode may make processes stop at every call here (live_light.cpp)
  snapshot_lock_waits();
  emit(ts, 0, 0, Tick{io, usage});
}

// A thread blocked on a file lock (flock, F_SETLKW) at a tick: its process's snapshot says
// who holds the lock (/proc/locks) and what that holder is doing. Once per wait.
void LiveSource::Impl::snapshot_lock_waits() {
  std::set<int> pids;
  for (auto& [tid, t] : tasks) {
    if (!in_lock_wait(t)) {
      lock_snapped.erase(tid);
      continue;
    }
    if (lock_snapped.insert(tid).second) pids.insert(t.pid);
  }
  for (int pid : pids) emit_snapshot(pid, pid);
}

// In a flock or F_SETLKW that blocks: seen entering it, or read from /proc at a tick.
bool LiveSource::Impl::in_lock_wait(const Task& t) const {
  if (t.in_syscall) return waits_for_lock(t.sysno, t.arg(1));
  return t.reported >= t.last_stop && t.last_state.number >= 0 &&
         waits_for_lock(sysno_from_number(kHostArch, t.last_state.number), t.last_state.args[1]);
}

// Whether a snapshot of `pid` must name lock holders (SnapshotScope): every snapshot of a
// process one of whose threads waits for a lock does, or a later one would hide the holder.
bool LiveSource::Impl::lock_holders_wanted(int pid) const {
  return std::any_of(tasks.begin(), tasks.end(), [&](const auto& kv) { return kv.second.pid == pid && in_lock_wait(kv.second); });
}

void LiveSource::Impl::report_quiet_threads(Nanos ts) {
  const Nanos quiet_for = opt.tick / 4;
  engine::SchedClock clock;
  std::map<int, std::vector<ThreadState>> by_pid;  // ordered: one event per process, by pid
  for (auto& [tid, t] : tasks) {
    if (t.hide_until_exec || t.in_syscall || ts - t.last_stop < quiet_for) continue;
    // Held by --inject at a call's exit: still in that call for the program (its exit event
    // comes on release), whatever /proc shows of the stopped thread.
    if (injector.holding() && injector.held(tid)) continue;
    ThreadState s = engine::read_thread_state(t.pid, tid);
    if (s.state == '?') continue;  // gone meanwhile: its exit report follows
    bool unchanged = t.reported >= t.last_stop && s.number == t.last_state.number &&
                     s.args == t.last_state.args && s.state == t.last_state.state &&
                     s.cpu_ns == t.last_state.cpu_ns;
    if (unchanged) continue;
    // Where it waits and since when matter only for a call it was not reported in yet.
    if (s.number >= 0) engine::read_thread_details(t.pid, tid, clock, s);
    t.reported = ts;
    t.last_state = s;
    by_pid[t.pid].push_back(std::move(s));
  }
  for (auto& [pid, threads] : by_pid) {
    std::sort(threads.begin(), threads.end(),
              [](const ThreadState& a, const ThreadState& b) { return raw(a.tid) < raw(b.tid); });
    emit(ts, pid, pid, ThreadStates{std::move(threads)});
  }
}

}  // namespace gotrace::live
