// --inject bookkeeping. See injector.h.
#include "injector.h"

#include <algorithm>

namespace gotrace::live {

Injector::Injector(std::vector<engine::TamperRule> rules)
    : rules_(std::move(rules)), rule_of_(kSyscallCount + 1, -1) {
  // As in strace, a later rule naming the same syscall replaces an earlier one.
  for (std::size_t r = 0; r < rules_.size(); ++r)
    for (std::size_t s = 0; s < kSyscallCount; ++s)
      if (rules_[r].applies(static_cast<SysNo>(s))) rule_of_[s] = static_cast<int16_t>(r);
}

Nanos Injector::on_entry(int tid, SysNo s) {
  int16_t r = rule_of_[static_cast<std::size_t>(s)];
  if (r < 0) return Nanos{0};
  const engine::TamperRule& rule = rules_[static_cast<std::size_t>(r)];
  Thread& th = threads_[tid];
  uint32_t& n = th.counts[static_cast<uint16_t>(s)];
  if (n < 0xffffffff) ++n;
  th.pending.reset();
  th.delay_exit = Nanos{0};
  if (!rule.fires(n)) return Nanos{0};
  if (rule.result != engine::TamperRule::Result::None &&
      engine::skip_syscall(tid, rule.raw_return()))
    th.pending = rule.raw_return();
  th.delay_exit = rule.delay_exit;
  return delays_ ? rule.delay_enter : Nanos{0};
}

Nanos Injector::on_exit(int tid, int64_t& rval) {
  auto it = threads_.find(tid);
  if (it == threads_.end()) return Nanos{0};
  Thread& th = it->second;
  if (th.pending && engine::set_syscall_return(tid, *th.pending)) rval = *th.pending;
  th.pending.reset();
  Nanos d = delays_ ? th.delay_exit : Nanos{0};
  th.delay_exit = Nanos{0};
  return d;
}

void Injector::hold(int tid, Nanos until, std::optional<Event> exit_event,
                    std::optional<Event> stack_event) {
  holds_.push_back({tid, until, std::move(exit_event), std::move(stack_event)});
}

bool Injector::held(int tid) const {
  return std::any_of(holds_.begin(), holds_.end(), [&](const Hold& h) { return h.tid == tid; });
}

std::vector<Injector::Hold> Injector::take_due(Nanos now, bool all) {
  std::vector<Hold> due;
  auto keep = std::stable_partition(holds_.begin(), holds_.end(),
                                    [&](const Hold& h) { return !all && h.until > now; });
  std::move(keep, holds_.end(), std::back_inserter(due));
  holds_.erase(keep, holds_.end());
  return due;
}

std::optional<Injector::Hold> Injector::take(int tid) {
  auto it = std::find_if(holds_.begin(), holds_.end(), [&](const Hold& h) { return h.tid == tid; });
  if (it == holds_.end()) return std::nullopt;
  Hold h = std::move(*it);
  holds_.erase(it);
  return h;
}

Nanos Injector::next_deadline() const {
  Nanos next = Nanos::max();
  for (const Hold& h : holds_) next = std::min(next, h.until);
  return next;
}

void Injector::forget(int tid) { threads_.erase(tid); }

void Injector::moved(int from_tid, int to_tid) {
  auto it = threads_.find(from_tid);
  if (it == threads_.end()) {
    threads_.erase(to_tid);
    return;
  }
  Thread th = std::move(it->second);
  threads_.erase(it);
  threads_[to_tid] = std::move(th);
}

}  // namespace gotrace::live
