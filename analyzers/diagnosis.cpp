// Ranking, wording and stall detection. See diagnosis.h.
#include "diagnosis.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>

#include "gotrace/format.h"

namespace gotrace::analyzers {
namespace {

// Calls a Go program makes while doing nothing: idle Ms parked in futex, sysmon's nanosleep
// loop, the netpoller's timed waits, SIGURG preemption. Not progress.
bool is_go_noise(SysNo s) {
  switch (s) {
    case SysNo::futex: case SysNo::nanosleep: case SysNo::clock_nanosleep:
    case SysNo::epoll_pwait: case SysNo::epoll_wait: case SysNo::epoll_pwait2:
    case SysNo::sched_yield: case SysNo::rt_sigreturn: case SysNo::rt_sigprocmask:
    case SysNo::tgkill: case SysNo::getpid: case SysNo::gettid: case SysNo::madvise:
    case SysNo::sigaltstack: case SysNo::clock_gettime: case SysNo::getrusage:
      return true;
    default:
      return false;
  }
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

namespace {
// Every analyzer, in the order their findings rank when all else is equal. NetworkWait is
// at kNetworkWait: the account of the run's time reads its connections.
constexpr std::size_t kNetworkWait = 3;
std::vector<std::unique_ptr<Analyzer>> make_analyzers(const ProcessTable& t, const DiagnosisOptions& opt) {
  std::vector<std::unique_ptr<Analyzer>> v;
  v.push_back(std::make_unique<FdExhaustion>(t));
  v.push_back(std::make_unique<BlockingGetrandom>(t));
  v.push_back(std::make_unique<ProcessLimits>(t));
  v.push_back(std::make_unique<NetworkWait>(t, opt.wait_threshold));
  v.push_back(std::make_unique<Spinning>(t));
  v.push_back(std::make_unique<ChildHang>(t, opt.wait_threshold));
  v.push_back(std::make_unique<LockWait>(t, opt.wait_threshold));
  v.push_back(std::make_unique<LockContention>(t));
  v.push_back(std::make_unique<FailedRun>(t));
  return v;
}
}  // namespace

Diagnosis::Diagnosis(DiagnosisOptions opt, StallCallback on_stall)
    : opt_(opt),
      on_stall_(std::move(on_stall)),
      analyzers_(make_analyzers(table_, opt)),
      account_(table_, dynamic_cast<const NetworkWait&>(*analyzers_[kNetworkWait])) {}

std::optional<NetworkWait::Waiting> Diagnosis::longest_wait(Nanos now) const {
  return dynamic_cast<const NetworkWait&>(*analyzers_[kNetworkWait]).longest_wait(now);
}

bool Diagnosis::needs(SysNo s) const {
  const SyscallInfo& info = syscall_info(s);
  if (ProcessTable::needs(info)) return true;
  for (const auto& a : analyzers_)
    if (a->needs(info)) return true;
  return false;
}

bool Diagnosis::is_progress(const Event& e) const {
  if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
    if (x->error() == EAGAIN || x->error() == ETIMEDOUT || x->ret <= -512) return false;
    // restart_syscall continues a sleep or a timed wait that a stop interrupted (light mode
    // interrupts Go threads in nanosleep): progress only when it returns events.
    bool polled = x->sysno == SysNo::epoll_pwait || x->sysno == SysNo::epoll_wait ||
                  x->sysno == SysNo::epoll_pwait2 || x->sysno == SysNo::restart_syscall;
    return polled ? x->ret > 0 : !is_go_noise(x->sysno);
  }
  return std::holds_alternative<ProcessStart>(e.body) || std::holds_alternative<Exec>(e.body) ||
         std::holds_alternative<ThreadExit>(e.body);
}

void Diagnosis::on_event(const Event& e) {
  table_.on_event(e);
  for (auto& a : analyzers_) a->on_event(e);
  account_.on_event(e);
  if (std::holds_alternative<SyscallExit>(e.body)) ++syscalls_;
  if (const auto* start = std::get_if<TraceStart>(&e.body)) filtered_ = start->filtered;
  if (const auto* end = std::get_if<TraceEnd>(&e.body)) {
    ended_ = true;
    exit_status_ = end->exit_status;
    end_reason_ = end->reason;
    return;
  }
  if (is_progress(e)) {
    if (!parked_.empty() && quiet_end_ < parked_from_) quiet_end_ = e.ts;  // (the exit, say)
    last_progress_ = e.ts;
    stall_reported_ = false;
    return;
  }
  if (const auto* tick = std::get_if<Tick>(&e.body)) {
    // Bytes read or written, by the kernel's count, are progress even when those calls did
    // not stop the tracer (light mode): they moved at some time since the previous Tick,
    // taken as its time so that a stall is never reported late.
    if (tick->io_bytes > 0 && last_tick_ > last_progress_) {
      last_progress_ = last_tick_;
      stall_reported_ = false;
    }
    last_tick_ = e.ts;
  }
  if (std::holds_alternative<Tick>(e.body)) park(e.ts);
  if (std::holds_alternative<Tick>(e.body) && opt_.stall.count() > 0 && !stall_reported_ &&
      e.ts - last_progress_ >= opt_.stall && on_stall_) {
    stall_reported_ = true;
    std::vector<Finding> fs = ranked();
    if (fs.empty()) fs = stall_findings();
    on_stall_(render(fs, fmt::format("[no progress for {}, still running] ",
                                     seconds_text(e.ts - last_progress_))));
  }
}

// At a Tick: where every thread is parked, while no progress has been made for a second.
// A run that ends after a quiet period shorter than --stall still gets it (at its end the
// threads are gone), see no_progress_at_end.
void Diagnosis::park(Nanos ts) {
  // Progress within the last second: no quiet period now. The last one stays (with
  // quiet_end_, where progress ended it) for no_progress_at_end to judge: a Tick can fall
  // between a timer's firing and the exit it leads to (the deadlock test's "gave up"
  // write, then exit_group, a millisecond apart).
  if (ts - last_progress_ < std::chrono::seconds(1)) return;
  // A timer (or Go's netpoller) seen at an earlier Tick of the same quiet period still
  // counts: a Tick can fall just after the netpoller's epoll_pwait returned for the timer
  // that ends the period and before the thread's next call (the likely cause of a rare
  // "no timer pending" in e2e diag_deadlock with Go 1.19).
  const bool same_period = !parked_.empty() && parked_from_ == last_progress_;
  go_parked_ = same_period && go_parked_;
  timer_ = same_period && timer_;
  parked_ = stall_findings();  // at every quiet Tick: the last one says how long they waited
  parked_from_ = last_progress_;
  quiet_end_ = Nanos::min();
  bool futex = false, io = false, cycling = false;
  for (const auto& [tid, call] : table_.all_in_flight()) {
    SysNo s = call.call.sysno;
    futex = futex || s == SysNo::futex;
    // A futex wait with no timeout begun within the last second, seen: threads taking turns
    // on a lock (contention), not threads blocked for good on each other.
    if (s == SysNo::futex && !call.unseen && call.call.arg(3) == 0 && ts - call.entered < std::chrono::seconds(1))
      cycling = true;
    // restart_syscall: a timed sleep or wait that a signal or an attach interrupted (Go's
    // sysmon in nanosleep, seen so when the tracer interrupted it): a sleep too.
    go_parked_ = go_parked_ || s == SysNo::epoll_pwait || s == SysNo::nanosleep || s == SysNo::restart_syscall;
    // Go's netpoller sleeps until the next timer: a timeout of -1 is no timer at all.
    if (s == SysNo::epoll_pwait || s == SysNo::epoll_wait) timer_ = timer_ || static_cast<int>(call.call.arg(3)) >= 0;
    if (s == SysNo::epoll_pwait2) timer_ = timer_ || call.call.arg(3) != 0;
    // A thread asleep (a C program's sleep(), Go's sysmon): a timer too.
    if (s == SysNo::nanosleep || s == SysNo::clock_nanosleep || s == SysNo::restart_syscall) timer_ = true;
    io = io || !(is_go_noise(s) || s == SysNo::restart_syscall);  // (a timed wait an attach interrupted)
  }
  // A thread running in user space (a computation, a spin) is not parked.
  all_futex_ = futex && !io && !cycling && table_.busy().empty();
}

std::optional<Finding> Diagnosis::no_progress_at_end() const {
  // Only a run that ended by itself: an idle server left running at --duration or on
  // detach waits for clients (its netpoller's fds), which is no finding.
  if (parked_.empty() || !ended_ || end_reason_ != EndReason::AllExited) return std::nullopt;
  Nanos run = table_.now();
  const bool ended_by_progress = quiet_end_ >= parked_from_;
  // A run that went on for a second or more after its quiet period is not "parked at its end".
  if (ended_by_progress && run - quiet_end_ >= std::chrono::seconds(1)) return std::nullopt;
  Nanos quiet = (ended_by_progress ? quiet_end_ : run) - parked_from_;
  if (quiet < std::chrono::seconds(2) || quiet * 2 < run || !all_futex_) return std::nullopt;
  // Parked with a timer pending and then a clean exit: it slept, and that is no finding.
  bool clean = exit_status_ >= 0 && WIFEXITED(exit_status_) && WEXITSTATUS(exit_status_) == 0;
  if (timer_ && clean) return std::nullopt;
  Finding f = parked_.back();  // where every thread waited (stall_findings)
  f.kind = "no_progress_at_end";
  f.severity = Severity::Warning;
  f.pid = table_.root_pid();
  f.at = parked_from_;
  f.seconds_lost = static_cast<double>(quiet.count()) / 1e9;
  std::string cmd = table_.command(f.pid);
  std::string blocked = go_parked_ ? "its goroutines were blocked on each other or on a channel"
                                   : "its threads were blocked on each other";
  f.verdict = fmt::format("{} made no progress for the last {} of its {}: every thread was parked in futex, with no "
                          "I/O{}: {}{}",
                          cmd, seconds_text(quiet), seconds_text(run),
                          timer_ ? " and only a timer pending" : " and no timer pending", blocked,
                          timer_ ? " until a timeout ended it" : " (a deadlock)");
  f.tries = {go_parked_ ? "while it hangs, `kill -QUIT PID` (or run it with GOTRACEBACK=all and send SIGQUIT) makes "
                          "Go print every goroutine's stack on stderr; it also ends the process"
                        : "while it hangs, `gdb -p PID -batch -ex 'thread apply all bt'` shows where each thread waits",
             "look for two locks taken in opposite orders, or a channel nobody sends on"};
  return f;
}

// When no analyzer can name the cause: say where every thread of the command is waiting,
// and recognise a child waiting for terminal input (git or ssh asking for a password).
std::vector<Finding> Diagnosis::stall_findings() const {
  std::vector<Finding> out;
  Finding f;
  f.severity = Severity::Warning;
  f.kind = "stall";
  int32_t root = table_.root_pid();
  for (const auto& [tid, call] : table_.all_in_flight()) {
    int32_t pid = table_.pid_of(tid);
    const ProcessInfo* p = table_.process(pid);
    bool tty_read = false;
    if (p && call.call.sysno == SysNo::read) {
      auto it = p->fds.find(static_cast<int>(call.call.arg(0)));
      tty_read = it != p->fds.end() && (it->second.path.rfind("/dev/pts/", 0) == 0 || it->second.path == "/dev/tty");
    }
    if (tty_read && pid != root) {
      Finding t;
      t.severity = Severity::Error;
      t.kind = "child_waits_for_terminal";
      t.pid = pid;
      t.tid = tid;
      t.verdict = fmt::format("{} is waiting for input on the terminal (a password or host-key prompt?)",
                              table_.command(pid));
      t.evidence.push_back(fmt::format("tid {}: {}", tid, call_text(call.call)));
      t.tries = {"give git credentials without a prompt (credential helper, SSH agent, .netrc) or set "
                 "GIT_TERMINAL_PROMPT=0 and GIT_SSH_COMMAND='ssh -o BatchMode=yes' to fail fast"};
      out.push_back(std::move(t));
    }
    std::string seen;
    if (call.unseen)  // its entry never stopped the tracer: known from /proc, time estimated
      seen = fmt::format(" (not traced: seen in /proc{}{})", call.wchan.empty() ? "" : ", in ", call.wchan);
    f.evidence.push_back(fmt::format("{} tid {}: {} for {}{}", table_.command(pid), tid, call_text(call.call),
                                     seconds_text(table_.now() - call.entered), seen));
  }
  std::sort(f.evidence.begin(), f.evidence.end());
  f.verdict = fmt::format("{} is making no progress; no known cause found. Where its threads wait:",
                          table_.command(root));
  out.push_back(std::move(f));
  return out;
}

std::vector<Finding> Diagnosis::ranked() const {
  std::vector<Finding> all;
  bool network_named = false;  // some wait was long enough for a finding of its own
  for (std::size_t i = 0; i < analyzers_.size(); ++i)
    for (Finding& f : analyzers_[i]->findings()) {
      network_named = network_named || i == kNetworkWait;
      all.push_back(std::move(f));
    }
  // A run made slow by many waits, none long enough for a finding of its own: judged once
  // the run is over (while it runs, the stall detector speaks).
  if (ended_ && !network_named)
    if (std::optional<Finding> slow = account_.slow_run()) all.push_back(std::move(*slow));
  // A quiet end no analyzer explains: where the threads were parked.
  bool explained = std::any_of(all.begin(), all.end(), [](const Finding& f) { return f.kind != "command_failed"; });
  if (!explained)
    if (std::optional<Finding> quiet = no_progress_at_end()) all.push_back(std::move(*quiet));
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.seconds_lost != b.seconds_lost) return a.seconds_lost > b.seconds_lost;
    return a.at < b.at;
  });
  // That the command failed is the symptom: any other finding comes first, as its cause.
  std::stable_partition(all.begin(), all.end(), [](const Finding& f) { return f.kind != "command_failed"; });
  return all;
}

std::string Diagnosis::render(const std::vector<Finding>& fs, const std::string& prefix) const {
  std::string out;
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const Finding& f = fs[i];
    out += fmt::format("gotrace: {}{}{}\n", prefix, i == 0 ? "" : "also: ", f.verdict);
    for (std::size_t k = 0; k < f.evidence.size(); ++k)
      out += fmt::format("  {} {}\n", k == 0 ? "evidence:" : "         ", f.evidence[k]);
    // The same remedies for several findings (one per socket of a stalled download) are
    // printed once, under the first.
    bool repeated = false;
    for (std::size_t j = 0; j < i && !repeated; ++j) repeated = fs[j].tries == f.tries;
    if (repeated) continue;
    for (std::size_t k = 0; k < f.tries.size(); ++k)
      out += fmt::format("  {} {}\n", k == 0 ? "try:" : "    ", f.tries[k]);
  }
  return out;
}

std::string Diagnosis::text_report(bool account) const {
  std::string out = verdict_text();
  if (account)
    for (const std::string& line : account_.lines()) out += line + "\n";
  return out;
}

std::string Diagnosis::verdict_text() const {
  std::vector<Finding> fs = ranked();
  if (fs.empty()) {
    std::string how = "";
    if (exit_status_ >= 0)
      how = WIFEXITED(exit_status_) ? fmt::format(", exit status {}", WEXITSTATUS(exit_status_))
                                   : fmt::format(", killed by signal {}", WTERMSIG(exit_status_));
    // Under the seccomp filter the count is of the calls gotrace stopped on, not all the
    // command made: said so, lest it be read as everything the command did.
    if (filtered_)
      return fmt::format("gotrace: no problem found in {}{} ({} syscalls stopped on: the seccomp filter lets "
                         "the others run unseen; --full counts every call)\n",
                         seconds_text(table_.now()), how, syscalls_);
    return fmt::format("gotrace: no problem found: {} syscalls in {}{}\n", syscalls_,
                       seconds_text(table_.now()), how);
  }
  return render(fs, "");
}

std::string Diagnosis::json_report() const {
  std::vector<Finding> fs = ranked();
  // How the command ended: "exit_status": N, or "signal": "SIGKILL"; null for both when it
  // did not end under the trace (attach, --duration before it ended).
  std::string exit_status = "null", signal = "null";
  if (exit_status_ >= 0 && WIFEXITED(exit_status_)) exit_status = std::to_string(WEXITSTATUS(exit_status_));
  if (exit_status_ >= 0 && WIFSIGNALED(exit_status_)) signal = json_string(format::signal_name(WTERMSIG(exit_status_)));
  std::string out = fmt::format("{{\"schema_version\":1,\"healthy\":{},\"syscalls\":{},\"duration_s\":{:.6f},"
                                "\"exit_status\":{},\"signal\":{},\"findings\":[",
                                fs.empty() ? "true" : "false", syscalls_,
                                static_cast<double>(table_.now().count()) / 1e9, exit_status, signal);
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const Finding& f = fs[i];
    auto list = [](const std::vector<std::string>& v) {
      std::string s = "[";
      for (std::size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + json_string(v[k]);
      return s + "]";
    };
    out += fmt::format("{}{{\"severity\":\"{}\",\"kind\":\"{}\",\"verdict\":{},\"evidence\":{},\"try\":{},"
                       "\"seconds_lost\":{:.3f},\"pid\":{},\"tid\":{},\"at_s\":{:.6f}}}",
                       i ? "," : "", severity_name(f.severity), f.kind, json_string(f.verdict),
                       list(f.evidence), list(f.tries), f.seconds_lost, f.pid, f.tid,
                       static_cast<double>(f.at.count()) / 1e9);
  }
  return out + "]}\n";
}

}  // namespace gotrace::analyzers
