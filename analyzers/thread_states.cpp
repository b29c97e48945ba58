// ProcessTable's view of what /proc said about quiet threads (ThreadStates events, and the
// threads of an attach Snapshot): calls the tracer never saw enter become "unseen" in-flight
// calls, and threads found running report after report become busy streaks. See
// process_table.h. Timing estimates use only the event's own fields (off_cpu_ns: how long
// since the thread last ran), so a replay computes the same.
#include <algorithm>

#include "process_table.h"

namespace gotrace::analyzers {

void ProcessTable::on_stop(const Event& e) {
  // Not signals: Go preempts a spinning thread with SIGURG, and a call a signal interrupts
  // is restarted (the next report shows it again).
  bool stop = std::holds_alternative<SyscallEnter>(e.body) || std::holds_alternative<SyscallExit>(e.body) ||
              std::holds_alternative<Exec>(e.body) || std::holds_alternative<ThreadExit>(e.body);
  if (!stop) return;
  int32_t tid = raw(e.tid);
  end_busy(tid, -1);
  last_active_[tid] = e.ts;
  auto it = in_flight_.find(tid);
  if (it == in_flight_.end() || !it->second.unseen) return;
  const auto* x = std::get_if<SyscallExit>(&e.body);
  if (x && !x->entry_seen && x->number == it->second.call.number) {
    // The exit of that very call: the exit event itself reports it. ERESTART*: attach
    // interrupted it and the kernel restarts it; the restarted call started back then.
    if (x->ret <= -512 && x->ret >= -516) restarted_[tid] = {x->number, it->second.entered};
    in_flight_.erase(it);
    return;
  }
  // The same call entering again: the kernel restarting it after the stop that seizing the
  // thread caused (attach). The call goes on, traced from now, waiting since back then.
  if (const auto* in = std::get_if<SyscallEnter>(&e.body); in && in->number == it->second.call.number) {
    // Only the call's own arguments: /proc shows all six registers, the tracer keeps (and
    // records) those past the call's argument count as 0.
    bool same = true;
    std::size_t n = std::min<std::size_t>(syscall_info(in->sysno).nargs, in->args.size());
    for (std::size_t i = 0; same && i < n; ++i) same = in->args[i].raw == it->second.call.args[i].raw;
    if (same) {
      restarted_[tid] = {in->number, it->second.entered};
      in_flight_.erase(it);
      return;
    }
  }
  end_unseen(tid, e.ts);
}

void ProcessTable::end_unseen(int32_t tid, Nanos ended) {
  auto it = in_flight_.find(tid);
  if (it == in_flight_.end()) return;
  Nanos at = std::clamp(ended, it->second.last_seen, now_);
  ended_.push_back(EndedCall{pid_of(tid), tid, std::move(it->second), at});
  in_flight_.erase(it);
  last_active_[tid] = at;
}

void ProcessTable::end_busy(int32_t tid, int64_t cpu_ns) {
  auto b = busy_.find(tid);
  if (b == busy_.end()) return;
  // The process's run goes on until a report shows none of its threads busy: the thread
  // that took the work over has not been reported yet.
  auto r = runs_.find(pid_of(tid));
  if (r != runs_.end()) {
    if (cpu_ns > b->second.cpu_to) r->second.cpu_ns += cpu_ns - b->second.cpu_to;
    --r->second.busy_now;
  }
  busy_.erase(b);
}

void ProcessTable::on_thread_states(const Event& e, const std::vector<ThreadState>& threads) {
  int32_t pid = raw(e.pid);
  // A run that saw no report for longer than this is over: the process was idle between.
  constexpr Nanos kRunGap = std::chrono::milliseconds(2500);
  if (auto r = runs_.find(pid); r != runs_.end() && e.ts - r->second.to > kRunGap) {
    for (int32_t t : r->second.tids) busy_.erase(t);
    runs_.erase(r);
  }
  for (const ThreadState& s : threads) {
    int32_t tid = raw(s.tid);
    tid_pid_.try_emplace(tid, pid);
    auto it = in_flight_.find(tid);
    if (it != in_flight_.end() && !it->second.unseen) continue;  // the tracer saw this call enter
    bool in_call = s.number >= 0;
    // Where it went since it last ran: that is when it left its previous state.
    Nanos last_ran = in_call && s.off_cpu_ns >= 0 ? e.ts - Nanos(s.off_cpu_ns) : e.ts;

    if (!in_call && s.number == -1 && s.cpu_ns >= 0) {
      auto [r, new_run] = runs_.try_emplace(pid, BusyRun{e.ts, e.ts, 0, {}, 0});
      auto b = busy_.find(tid);
      if (b == busy_.end()) {
        busy_[tid] = BusyStreak{e.ts, e.ts, s.cpu_ns, s.cpu_ns};
        ++r->second.busy_now;
        // Took the work over since its last report, made during the run: that CPU is the run's.
        auto c = cpu_seen_.find(tid);
        if (!new_run && c != cpu_seen_.end() && c->second.first >= r->second.from)
          r->second.cpu_ns += std::max<int64_t>(0, s.cpu_ns - c->second.second);
        if (std::find(r->second.tids.begin(), r->second.tids.end(), tid) == r->second.tids.end())
          r->second.tids.push_back(tid);
      } else {
        r->second.cpu_ns += std::max<int64_t>(0, s.cpu_ns - b->second.cpu_to);
        b->second.to = e.ts, b->second.cpu_to = s.cpu_ns;
      }
    } else {
      end_busy(tid, s.cpu_ns);
    }
    if (s.cpu_ns >= 0) cpu_seen_[tid] = {e.ts, s.cpu_ns};

    if (it != in_flight_.end()) {
      const SyscallEnter& c = it->second.call;
      bool same = in_call && c.number == s.number;
      for (std::size_t i = 0; same && i < s.args.size(); ++i) same = c.args[i].raw == s.args[i];
      if (same) {
        it->second.last_seen = e.ts;
        if (!s.wchan.empty()) it->second.wchan = s.wchan;
        continue;
      }
      end_unseen(tid, last_ran);
    }
    if (!in_call) continue;
    InFlightCall f;
    f.unseen = true;
    f.call.sysno = sysno_from_number(arch_, s.number);
    f.call.number = s.number;
    for (std::size_t i = 0; i < s.args.size(); ++i) f.call.args[i].raw = s.args[i];
    f.entered = e.ts;
    if (s.off_cpu_ns >= 0) {
      f.entered = last_ran;
      if (auto a = last_active_.find(tid); a != last_active_.end()) f.entered = std::max(f.entered, a->second);
    }
    f.last_seen = e.ts;
    f.wchan = s.wchan;
    in_flight_[tid] = std::move(f);
  }
  if (auto r = runs_.find(pid); r != runs_.end()) {
    if (r->second.busy_now > 0)
      r->second.to = e.ts;
    else
      runs_.erase(r);
  }
}

}  // namespace gotrace::analyzers
