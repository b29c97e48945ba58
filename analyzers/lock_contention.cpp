// Lock contention: many short futex waits on one address from several threads. See
// analyzers.h.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <linux/futex.h>

#include <algorithm>

#include "analyzers.h"

namespace gotrace::analyzers {
namespace {

// A futex operation that blocks until another thread wakes it (not FUTEX_WAKE and kin).
bool waits(uint64_t op) {
  switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2: case FUTEX_WAIT_REQUEUE_PI:
      return true;
    default:
      return false;
  }
}

// Seen calls: at least this many waits, by two threads or more, of this much in all.
constexpr uint64_t kMinWaits = 100;
constexpr Nanos kMinWaited = std::chrono::milliseconds(500);
constexpr Nanos kMaxMeanWait = std::chrono::milliseconds(100);  // longer: threads idle on a condition
constexpr int kMinContendedTicks = 3;  // samples: ticks with a busy waiter, two threads or more in all
constexpr int64_t kBusyCpuNs = 10'000'000;  // CPU between two samples (one clock tick) of a busy waiter

// A short wait to a tenth of a millisecond: "2.5 ms", "41 ms".
std::string mean_text(Nanos d) {
  double ms = static_cast<double>(d.count()) / 1e6;
  return ms < 10 ? fmt::format("{:.1f} ms", ms) : seconds_text(d);
}

}  // namespace

void LockContention::on_event(const Event& e) {
  const int32_t tid = raw(e.tid);
  if (const auto* in = std::get_if<SyscallEnter>(&e.body)) {
    if (in->sysno == SysNo::futex && waits(in->arg(1))) pending_[tid] = {in->arg(0), e.ts};
    return;
  }
  if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
    if (x->sysno != SysNo::futex) return;
    auto p = pending_.find(tid);
    if (p == pending_.end()) return;
    Lock& l = locks_[{raw(e.pid), p->second.addr}];
    ++l.waits;
    l.waited += e.ts - p->second.from;
    auto [it, fresh] = l.tids.try_emplace(tid, p->second.from, e.ts);
    if (!fresh) it->second.second = e.ts;
    pending_.erase(p);
    return;
  }
  if (std::holds_alternative<Tick>(e.body)) {
    ++ticks_;
  } else if (const auto* ts = std::get_if<ThreadStates>(&e.body)) {
    on_samples(raw(e.pid), *ts, e.ts);
  } else if (std::holds_alternative<ThreadExit>(e.body)) {
    pending_.erase(tid);
    cpu_.erase(tid);
  }
}

void LockContention::on_samples(int32_t pid, const ThreadStates& states, Nanos) {
  std::map<uint64_t, std::vector<int32_t>> busy_waiters;  // futex address -> tids
  for (const ThreadState& t : states.threads) {
    const int32_t tid = raw(t.tid);
    auto last = cpu_.find(tid);
    const bool busy = last != cpu_.end() && t.cpu_ns >= 0 && t.cpu_ns - last->second >= kBusyCpuNs;
    if (t.cpu_ns >= 0) cpu_[tid] = t.cpu_ns;
    if (busy && t.number >= 0 && sysno_from_number(kHostArch, t.number) == SysNo::futex && waits(t.args[1]))
      busy_waiters[t.args[0]].push_back(tid);
  }
  for (const auto& [addr, tids] : busy_waiters) {
    Lock& l = locks_[{pid, addr}];
    ++l.contended_ticks;
    l.busy_samples += static_cast<int>(tids.size());
    l.sampled_tids.insert(tids.begin(), tids.end());
  }
}

Finding LockContention::finding(int32_t pid, uint64_t addr, const Lock& l) const {
  Finding f;
  f.severity = Severity::Warning;
  f.kind = "lock_contention";
  f.pid = pid;
  const std::string cmd = table_.command(pid);
  std::vector<int32_t> tids;
  if (l.waits) {
    Nanos lived{0};
    for (const auto& [tid, span] : l.tids) {
      tids.push_back(tid);
      lived += span.second - span.first;
    }
    const double share = lived.count() > 0 ? static_cast<double>(l.waited.count()) / static_cast<double>(lived.count()) : 0;
    f.at = l.tids.begin()->second.first;
    f.seconds_lost = static_cast<double>(l.waited.count()) / 1e9 / static_cast<double>(tids.size());
    f.verdict = fmt::format("{}: lock contention: {} threads waited {} in all ({:.0f}% of their time) for one lock, "
                            "the futex at {:#x}: {} waits of {} on average",
                            cmd, tids.size(), seconds_text(l.waited), share * 100, addr, l.waits,
                            mean_text(l.waited / static_cast<int64_t>(l.waits)));
    f.evidence.push_back(fmt::format("futex({:#x}, FUTEX_WAIT...) {} times from tids {}", addr, l.waits, fmt::join(tids, ", ")));
  } else {
    tids.assign(l.sampled_tids.begin(), l.sampled_tids.end());
    f.seconds_lost = static_cast<double>(l.contended_ticks);  // ticks are a second apart
    f.verdict = fmt::format("{}: lock contention: {} threads kept blocking on one lock, the futex at {:#x}, "
                            "while using CPU between waits ({} of {} ticks caught one waiting on it)",
                            cmd, tids.size(), addr, l.contended_ticks, ticks_);
    f.evidence.push_back(fmt::format("tids {}: in futex({:#x}, FUTEX_WAIT...) at the ticks, CPU time growing between "
                                     "them (not traced: sampled from /proc/{}/task/TID/{{syscall,stat}}; --full times every wait)",
                                     fmt::join(tids, ", "), addr, pid));
  }
  f.tid = tids.empty() ? pid : tids.front();
  f.tries = {fmt::format("find the lock: `gotrace --full -k -e trace=futex -p {}` prints the call stack of each wait "
                         "(or `perf lock record`); then hold it for less time, or split it",
                         pid),
             "for Go's sync.Mutex, goroutines wait in the Go scheduler instead: the mutex profile of "
             "`go tool pprof` (runtime.SetMutexProfileFraction) shows where"};
  return f;
}

std::vector<Finding> LockContention::findings() const {
  std::vector<Finding> out;
  for (const auto& [key, l] : locks_) {
    const bool seen = l.waits >= kMinWaits && l.tids.size() >= 2 && l.waited >= kMinWaited &&
                      l.waited / static_cast<int64_t>(l.waits) <= kMaxMeanWait;
    const bool sampled = l.waits == 0 && l.contended_ticks >= kMinContendedTicks && l.sampled_tids.size() >= 2;
    if (!seen && !sampled) continue;
    if (seen) {  // and a large share of the threads' time
      Nanos lived{0};
      for (const auto& [tid, span] : l.tids) lived += span.second - span.first;
      if (l.waited * 8 < lived) continue;  // an eighth of their time at least
    }
    out.push_back(finding(key.first, key.second, l));
  }
  return out;
}

}  // namespace gotrace::analyzers
