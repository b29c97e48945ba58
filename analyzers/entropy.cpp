// Blocking getrandom: entropy starvation. See analyzers.h.
#include <fmt/format.h>
#include <sys/random.h>

#include <algorithm>
#include <numeric>

#include "analyzers.h"
#include "wire.h"

namespace gotrace::analyzers {
namespace {

bool may_block(const SyscallEnter& e, const ProcessTable& t, int32_t pid) {
  if (e.sysno == SysNo::getrandom) return (e.arg(2) & GRND_NONBLOCK) == 0;
  if (e.sysno == SysNo::read) {
    const ProcessInfo* p = t.process(pid);
    if (!p) return false;
    auto it = p->fds.find(static_cast<int>(e.arg(0)));
    return it != p->fds.end() && it->second.path == "/dev/random";
  }
  return false;
}

// At entry getrandom's buffer is not filled yet, and strace's text shows nothing before it:
// spell out the length and the flags (0: may block), which are the evidence.
std::string entry_text(const SyscallEnter& c) {
  const Args& a = c.args;
  if (c.sysno != SysNo::getrandom) return call_text(c);
  return fmt::format("getrandom({:#x}, {}, {})", a[0].raw, a[1].raw,
                     a[2].raw == 0 ? std::string("0") : fmt::format("{:#x}", a[2].raw));
}

// A call the tracer never stopped on (seccomp filter, or in progress at attach) is known
// from /proc: say so, since its times are estimates.
std::string unseen_note(int32_t pid, int32_t tid) {
  return fmt::format(" (not traced: seen in /proc/{}/task/{}/syscall)", pid, tid);
}

// The kernel restarts the call after the signal handler: ERESTARTSYS, ERESTARTNOINTR,
// ERESTARTNOHAND, ERESTART_RESTARTBLOCK.
bool to_be_restarted(int64_t ret) { return ret == -512 || ret == -513 || ret == -514 || ret == -516; }

std::string restarts_note(int times) {
  return times == 0 ? std::string() : fmt::format(" (interrupted by signals and restarted {}x)", times);
}

// A wait first known from /proc, then seen by the tracer as it went on (the process became
// thorough), perhaps restarted after signals.
std::string chain_note(bool began_unseen, int32_t pid, int32_t tid, int times) {
  if (!began_unseen) return restarts_note(times);
  std::string note = fmt::format(" (not traced at first: seen in /proc/{}/task/{}/syscall", pid, tid);
  if (times > 0) note += fmt::format("; interrupted by signals and restarted {}x", times);
  return note + ")";
}

}  // namespace

void BlockingGetrandom::on_event(const Event& e) {
  for (const EndedCall& c : table_.ended_unseen()) {
    if (!may_block(c.call.call, table_, c.pid)) continue;
    if (c.call.call.sysno == SysNo::getrandom) {
      // It may go on as a call the tracer sees, or as another one seen in /proc (same thread,
      // same arguments: restarted after a signal): a chain from its first entry.
      const Args& a = c.call.call.args;
      Nanos entered = c.call.entered;
      int times = 0;
      if (const Restarted* r = restarted(c.tid, c.call.call)) {
        entered = r->entered;
        times = r->times;
      } else {
        end_chain(c.tid);
      }
      restarted_[c.tid] = {a[0].raw, a[1].raw, a[2].raw, entered, times, {}, c.pid, c.ended,
                           entry_text(c.call.call), true};
      if (c.ended - entered >= threshold_) last_unblocked_[c.pid] = c.ended;
      continue;
    }
    Nanos waited = c.ended - c.call.entered;
    if (waited < threshold_) continue;
    blocks_.push_back({c.pid, c.tid, c.call.entered, waited, entry_text(c.call.call), {}, unseen_note(c.pid, c.tid)});
    last_unblocked_[c.pid] = c.ended;
  }
  if (const auto* st = std::get_if<Stack>(&e.body)) {
    // Taken at the entry of a getrandom that may block (and of every call with -k): keep
    // only those, until they return.
    if (const InFlightCall* f = table_.in_flight(raw(e.tid)); f && f->call.call == st->call &&
                                                             may_block(f->call, table_, raw(e.pid)))
      stacks_[st->call] = stack_evidence(*st);
    return;
  }
  const auto* x = std::get_if<SyscallExit>(&e.body);
  if (!x) return;
  int32_t pid = raw(e.pid);
  if (x->sysno == SysNo::getrandom || x->sysno == SysNo::read) {
    std::vector<std::string> stack;
    if (auto it = stacks_.find(x->call); it != stacks_.end()) {
      stack = std::move(it->second);
      stacks_.erase(it);
    }
    SyscallEnter as_entry{x->call, x->sysno, x->number, x->args};
    if (!may_block(as_entry, table_, pid)) return;
    int32_t tid = raw(e.tid);
    Nanos entered = x->entered;
    int times = 0;
    bool began_unseen = false;
    if (auto it = restarted_.find(tid); it != restarted_.end()) {
      if (const Restarted* r = restarted(tid, as_entry)) {
        entered = r->entered;
        times = r->times;
        began_unseen = r->began_unseen;
        if (stack.empty()) stack = std::move(it->second.stack);
        restarted_.erase(it);
      } else {
        end_chain(tid);
      }
    }
    if (to_be_restarted(x->ret)) {
      restarted_[tid] = {x->arg(0), x->arg(1), x->arg(2), entered, times + 1, std::move(stack),
                         pid, e.ts, entry_text(as_entry), began_unseen};
      return;
    }
    Nanos waited = e.ts - entered;
    if (waited < threshold_) return;
    blocks_.push_back({pid, tid, entered, waited, call_text(*x), std::move(stack),
                       chain_note(began_unseen, pid, tid, times)});
    last_unblocked_[pid] = e.ts;
    return;
  }
  // The consequence: a TLS ClientHello written right after the long wait (or while a call
  // known only from /proc still looks blocked: the report that shows it ended comes later).
  bool write = x->sysno == SysNo::write || x->sysno == SysNo::sendto;
  if (write && x->ret > 0 && (last_unblocked_.count(pid) || blocked_now(pid)) && !tls_after_.count(pid))
    if (auto sni = wire::parse_tls_client_hello_sni(x->args[1].data)) tls_after_[pid] = sni->empty() ? "a server" : *sni;
}

void BlockingGetrandom::end_chain(int32_t tid) {
  auto it = restarted_.find(tid);
  if (it == restarted_.end()) return;
  Restarted& r = it->second;
  if (r.last_exit - r.entered >= threshold_) {
    blocks_.push_back({r.pid, tid, r.entered, r.last_exit - r.entered, r.text, std::move(r.stack),
                       chain_note(r.began_unseen, r.pid, tid, r.times)});
    last_unblocked_[r.pid] = r.last_exit;
  }
  restarted_.erase(it);
}

const BlockingGetrandom::Restarted* BlockingGetrandom::restarted(int32_t tid, const SyscallEnter& call) const {
  auto it = restarted_.find(tid);
  if (it == restarted_.end() || call.sysno != SysNo::getrandom) return nullptr;
  const Restarted& r = it->second;
  return r.buf == call.arg(0) && r.len == call.arg(1) && r.flags == call.arg(2) ? &r : nullptr;
}

Nanos BlockingGetrandom::wait_start(int32_t tid, const InFlightCall& call) const {
  const Restarted* r = restarted(tid, call.call);
  return r ? std::min(r->entered, call.entered) : call.entered;
}

bool BlockingGetrandom::blocked_now(int32_t pid) const {
  for (const auto& [tid, r] : restarted_)
    if (r.pid == pid && r.times > 0 && table_.now() - r.entered >= threshold_) return true;
  for (const auto& [tid, call] : table_.all_in_flight())
    if (table_.pid_of(tid) == pid && table_.now() - wait_start(tid, call) >= threshold_ &&
        may_block(call.call, table_, pid))
      return true;
  return false;
}

std::vector<Finding> BlockingGetrandom::findings() const {
  std::map<int32_t, std::vector<Block>> by_pid;
  for (const Block& b : blocks_) by_pid[b.pid].push_back(b);
  // Waits that ended (or were interrupted) and did not go on as a call in flight now.
  // One that the kernel is about to restart (times > 0) is still blocked: a report can come
  // between a restart's exit and its entry.
  for (const auto& [tid, r] : restarted_) {
    const InFlightCall* f = table_.in_flight(tid);
    if (f && restarted(tid, f->call)) continue;  // counted below, as in flight
    bool going_on = r.times > 0;
    Nanos waited = (going_on ? table_.now() : r.last_exit) - r.entered;
    if (waited < threshold_) continue;
    by_pid[r.pid].push_back({r.pid, tid, r.entered, waited, r.text + (going_on ? " <still blocked>" : ""), r.stack,
                             chain_note(r.began_unseen, r.pid, tid, r.times)});
  }
  // Calls still blocked now count too: the hang may be going on.
  for (const auto& [tid, call] : table_.all_in_flight()) {
    int32_t pid = table_.pid_of(tid);
    Nanos entered = wait_start(tid, call);
    Nanos waited = table_.now() - entered;
    if (waited >= threshold_ && may_block(call.call, table_, pid)) {
      auto st = stacks_.find(call.call.call);
      const Restarted* r = restarted(tid, call.call);
      std::vector<std::string> stack;
      if (!call.unseen) stack = st != stacks_.end() ? st->second : r ? r->stack : std::vector<std::string>{};
      by_pid[pid].push_back({pid, tid, entered, waited, entry_text(call.call) + " <still blocked>", std::move(stack),
                             call.unseen && !r ? unseen_note(pid, tid)
                                               : chain_note(call.unseen || (r && r->began_unseen), pid, tid,
                                                            r ? r->times : 0)});
    }
  }
  std::vector<Finding> out;
  for (const auto& [pid, blocks] : by_pid) {
    Nanos total = std::accumulate(blocks.begin(), blocks.end(), Nanos{0},
                                  [](Nanos s, const Block& b) { return s + b.waited; });
    const Block& longest = *std::max_element(blocks.begin(), blocks.end(),
                                             [](const Block& a, const Block& b) { return a.waited < b.waited; });
    Finding f;
    f.severity = total >= std::chrono::seconds(1) ? Severity::Error : Severity::Warning;
    f.kind = "entropy";
    f.pid = pid;
    f.tid = longest.tid;
    f.at = longest.entered;
    f.seconds_lost = static_cast<double>(total.count()) / 1e9;
    f.verdict = fmt::format(
        "{} waited {} for the kernel's random numbers: getrandom blocked (entropy starvation){}",
        table_.command(pid), seconds_text(total),
        tls_after_.count(pid) ? "; the TLS handshake with " + tls_after_.at(pid) + " waited on it" : "");
    for (const Block& b : blocks)
      f.evidence.push_back(fmt::format("tid {}: {} blocked {} from {}{}", b.tid, b.call,
                                       seconds_text(b.waited), seconds_text(b.entered), b.note));
    f.evidence.insert(f.evidence.end(), longest.stack.begin(), longest.stack.end());
    f.tries = {"the kernel's random pool is not ready (early boot, a VM without a hardware RNG): "
               "give the VM a virtio-rng device, or run haveged or rng-tools (rngd) on the host",
               "check `cat /proc/sys/kernel/random/entropy_avail` and dmesg for \"crng init done\""};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace gotrace::analyzers
