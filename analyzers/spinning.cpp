// Spinning: threads burning CPU with no syscall in flight. See analyzers.h.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/wait.h>

#include <algorithm>
#include <map>

#include "gotrace/format.h"

#include "analyzers.h"

namespace gotrace::analyzers {

bool Spinning::spinning(const BusyRun& r) const {
  Nanos span = r.to - r.from;
  // Runnable in user space for a while, and on a CPU for a fifth of that time at least: on
  // a loaded machine a spinning thread gets a share of a CPU, an idle one gets nothing (CPU
  // time counts in clock ticks, 10 ms).
  return span >= min_span_ && r.cpu_ns * 5 >= span.count();
}

void Spinning::on_event(const Event& e) {
  // Most events are calls, and nothing was spinning: nothing to do.
  if (last_.empty() && (std::holds_alternative<SyscallExit>(e.body) || std::holds_alternative<SyscallEnter>(e.body)))
    return;
  int32_t pid = raw(e.pid);
  const auto& runs = table_.busy_runs();
  auto run = runs.find(pid);
  if (std::holds_alternative<ThreadStates>(e.body)) {
    if (run != runs.end())
      last_[pid] = run->second;
    else
      last_.erase(pid);
  } else if (const auto* x = std::get_if<ThreadExit>(&e.body)) {
    // Killed while spinning (the user gave up on it): the final report still says so.
    auto it = last_.find(pid);
    if (it != last_.end() && WIFSIGNALED(x->wait_status) && spinning(it->second) && !killed_.count(pid))
      killed_[pid] = Spin{it->second, WTERMSIG(x->wait_status)};
    if (raw(e.tid) == pid) last_.erase(pid);
  } else if (std::holds_alternative<SyscallEnter>(e.body) || std::holds_alternative<SyscallExit>(e.body) ||
             std::holds_alternative<Exec>(e.body)) {
    // A call from a thread that was idle anyway does not end the spin; the last busy one does.
    if (run == runs.end() || run->second.busy_now == 0) last_.erase(pid);
  }
}

Finding Spinning::finding(int32_t pid, const Spin& s) const {
  const BusyRun& r = s.run;
  Nanos span = r.to - r.from;
  Finding f;
  f.severity = Severity::Warning;
  f.kind = "spinning";
  f.pid = pid;
  f.tid = r.tids.empty() ? pid : r.tids.back();
  f.at = r.from;
  f.seconds_lost = static_cast<double>(span.count()) / 1e9;
  std::string who = r.tids.size() == 1 ? fmt::format("tid {}", r.tids[0])
                                       : fmt::format("tids {} in turn", fmt::join(r.tids, ", "));
  std::string where = r.tids.size() == 1 ? fmt::format("/proc/{}/task/{}/stat", pid, r.tids[0])
                                         : fmt::format("/proc/{}/task/*/stat", pid);
  f.evidence.push_back(fmt::format("{}: running in user space, no syscall in flight: {} of CPU over {} "
                                   "(utime+stime from {}){}",
                                   who, seconds_text(Nanos(r.cpu_ns)), seconds_text(span), where,
                                   s.killed_by ? "; then killed by " + format::signal_name(s.killed_by) : ""));
  int n = std::max(1, r.busy_now);
  f.verdict = fmt::format("{} is not blocked in the kernel: spinning ({} thread{} burning CPU, no syscall in flight)",
                          table_.command(pid), n, n == 1 ? "" : "s");
  f.tries = {"a busy loop in the program: for Go, `kill -QUIT PID` prints every goroutine's stack "
             "(or profile with pprof); otherwise `perf top -p PID` or gdb shows where it spins"};
  return f;
}

std::vector<Finding> Spinning::findings() const {
  std::vector<Finding> out;
  for (const auto& [pid, run] : table_.busy_runs()) {
    const ProcessInfo* p = table_.process(pid);
    if ((p && p->exited) || run.busy_now == 0 || !spinning(run) || killed_.count(pid)) continue;
    out.push_back(finding(pid, Spin{run, 0}));
  }
  for (const auto& [pid, s] : killed_) out.push_back(finding(pid, s));
  return out;
}

}  // namespace gotrace::analyzers
