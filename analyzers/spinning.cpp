// Spinning: threads burning CPU with no syscall in flight. See analyzers.h.
#include <fmt/format.h>

#include <sys/wait.h>

#include <map>

#include "gotrace/format.h"

#include "analyzers.h"

namespace gotrace::analyzers {

bool Spinning::spinning(const BusyStreak& b) const {
  Nanos span = b.to - b.from;
  // Runnable in user space for a while, and on a CPU for a fifth of that time at least: on
  // a loaded machine a spinning thread gets a share of a CPU, an idle one gets nothing (CPU
  // time counts in clock ticks, 10 ms).
  return span >= min_span_ && (b.cpu_to - b.cpu_from) * 5 >= span.count();
}

void Spinning::on_event(const Event& e) {
  int32_t tid = raw(e.tid);
  if (std::holds_alternative<ThreadStates>(e.body)) {
    for (const ThreadState& s : std::get<ThreadStates>(e.body).threads) {
      auto b = table_.busy().find(raw(s.tid));
      if (b != table_.busy().end())
        last_[raw(s.tid)] = Spin{raw(e.pid), b->second, 0};
      else
        last_.erase(raw(s.tid));
    }
  } else if (const auto* x = std::get_if<ThreadExit>(&e.body)) {
    // Killed while spinning (the user gave up on it): the final report still says so.
    auto it = last_.find(tid);
    if (it != last_.end() && WIFSIGNALED(x->wait_status) && spinning(it->second.streak)) {
      it->second.killed_by = WTERMSIG(x->wait_status);
      killed_[tid] = it->second;
    }
    last_.erase(tid);
  } else if (std::holds_alternative<SyscallEnter>(e.body) || std::holds_alternative<SyscallExit>(e.body) ||
             std::holds_alternative<Exec>(e.body)) {
    last_.erase(tid);
  }
}

std::vector<Finding> Spinning::findings() const {
  std::map<int32_t, std::vector<std::pair<int32_t, Spin>>> by_pid;
  for (const auto& [tid, b] : table_.busy()) {
    if (!spinning(b)) continue;
    int32_t pid = table_.pid_of(tid);
    const ProcessInfo* p = table_.process(pid);
    if (p && p->exited) continue;
    by_pid[pid].push_back({tid, Spin{pid, b, 0}});
  }
  for (const auto& [tid, s] : killed_) by_pid[s.pid].push_back({tid, s});
  std::vector<Finding> out;
  for (const auto& [pid, threads] : by_pid) {
    Finding f;
    f.severity = Severity::Warning;
    f.kind = "spinning";
    f.pid = pid;
    f.tid = threads.front().first;
    Nanos longest{0};
    for (const auto& [tid, spin] : threads) {
      const BusyStreak& b = spin.streak;
      Nanos span = b.to - b.from;
      if (span > longest) longest = span, f.tid = tid, f.at = b.from;
      f.evidence.push_back(fmt::format("tid {}: running in user space, no syscall in flight: {} of CPU over {} "
                                       "(utime+stime from /proc/{}/task/{}/stat){}",
                                       tid, seconds_text(Nanos(b.cpu_to - b.cpu_from)), seconds_text(span), pid, tid,
                                       spin.killed_by ? "; then killed by " + format::signal_name(spin.killed_by) : ""));
    }
    f.seconds_lost = static_cast<double>(longest.count()) / 1e9;
    f.verdict = fmt::format("{} is not blocked in the kernel: spinning ({} thread{} burning CPU, no syscall in flight)",
                            table_.command(pid), threads.size(), threads.size() == 1 ? "" : "s");
    f.tries = {"a busy loop in the program: for Go, `kill -QUIT PID` prints every goroutine's stack "
               "(or profile with pprof); otherwise `perf top -p PID` or gdb shows where it spins"};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace gotrace::analyzers
