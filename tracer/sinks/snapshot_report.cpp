// Attach-time snapshot text. See snapshot_report.h.
#include "snapshot_report.h"

#include <fmt/format.h>

#include <algorithm>

namespace gotrace::sinks {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

std::string limit_text(uint64_t v) { return v == ~0ull ? "unlimited" : std::to_string(v); }

std::string duration_text(int64_t ns) {
  double s = static_cast<double>(ns) / 1e9;
  if (s < 1) return fmt::format("{:.0f} ms", s * 1000);
  if (s < 120) return fmt::format("{:.1f} s", s);
  return fmt::format("{:.0f} min", s / 60);
}

const char* state_text(char st) {
  switch (st) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "uninterruptible";
    case 'T': return "stopped";
    case 't': return "trace-stopped";
    case 'Z': return "zombie";
    default: return "?";
  }
}

}  // namespace

std::string describe_snapshot(int pid, const std::vector<std::string>& argv, const Snapshot& s,
                              const format::FormatOptions& opt) {
  std::string out = fmt::format(
      "gotrace: process {} ({}): {} thread{}, {} fds open; RLIMIT_NOFILE {} (hard {}), "
      "RLIMIT_NPROC {}\n",
      pid, argv.empty() ? s.exe : join(argv), s.threads.size(), s.threads.size() == 1 ? "" : "s",
      s.fds.size(), limit_text(s.nofile.soft), limit_text(s.nofile.hard), limit_text(s.nproc.soft));
  for (const ThreadState& t : s.threads) {
    out += fmt::format("  thread {:<7} {:<15} ", raw(t.tid), state_text(t.state));
    if (t.number >= 0) {
      Args args;
      for (std::size_t i = 0; i < args.size(); ++i) args[i].raw = t.args[i];
      SysNo sysno = sysno_from_number(kHostArch, t.number);
      std::string call;
      format::format_call_head(call, {sysno, t.number, args}, opt);
      if (call.size() >= 2 && call.compare(call.size() - 2, 2, ", ") == 0) call += "...";
      out += "in " + call + ")";
    } else {
      out += t.number == -1 ? "in user space" : "not in a syscall";
    }
    if (t.off_cpu_ns >= 0) out += " for " + duration_text(t.off_cpu_ns);
    if (!t.wchan.empty()) out += " (wchan " + t.wchan + ")";
    out += '\n';
  }
  for (const OpenFd& f : s.fds) {
    out += fmt::format("  fd {:<4} {}", f.fd, f.target);
    if (f.tcp_state) {  // the kernel's tcp_info: how much moved, and when it last did
      // With no data, tcp_info's "last" times count from the connection's setup.
      auto moved = [](const char* verb, uint64_t bytes, int64_t ms) {
        return bytes ? fmt::format("{} {} B, last {} ago", verb, bytes, duration_text(ms * 1'000'000))
                     : fmt::format("nothing {}", verb);
      };
      out += fmt::format(" ({}; {}{}{})", moved("sent", f.bytes_sent, f.last_send_ms),
                         moved("received", f.bytes_received, f.last_recv_ms),
                         f.unacked ? fmt::format("; {} unacked", f.unacked) : "",
                         f.retransmits ? fmt::format("; {} retransmitted", f.retransmits) : "");
    }
    if (f.lock_holder > 0)  // a thread is blocked waiting for a lock on it
      out += fmt::format(" (waiting for its {} lock, held by pid {}{})", f.lock, f.lock_holder,
                         f.lock_holder_text.empty() ? "" : ": " + f.lock_holder_text);
    else if (f.lock_holder < 0)
      out += fmt::format(" (waiting for its {} lock, held by an open file description)", f.lock);
    out += '\n';
  }
  if (!s.env.empty()) {
    out += "  env";
    for (const auto& [k, v] : s.env)
      if (k != "PATH" && k != "HOME") out += fmt::format(" {}={}", k, v);
    out += '\n';
  }
  return out;
}

void SnapshotReport::on_event(const Event& e) {
  if (const auto* start = std::get_if<TraceStart>(&e.body)) {
    attached_.insert(start->attached.begin(), start->attached.end());
  } else if (const auto* ps = std::get_if<ProcessStart>(&e.body)) {
    argv_[raw(e.pid)] = ps->argv;
    threads_[raw(e.pid)] = 1;
  } else if (std::holds_alternative<ThreadStart>(e.body)) {
    ++threads_[raw(e.pid)];
  } else if (std::holds_alternative<ThreadExit>(e.body)) {
    if (e.tid == Tid{raw(e.pid)}) attached_.erase(raw(e.pid));  // gone: nothing to detach
  } else if (std::holds_alternative<TraceEnd>(e.body)) {
    std::vector<int32_t> pids(attached_.begin(), attached_.end());
    std::sort(pids.begin(), pids.end());
    for (int32_t pid : pids) out_.write(fmt::format("gotrace: Process {} detached\n", pid));
    out_.flush();
  } else if (const auto* snap = std::get_if<Snapshot>(&e.body)) {
    if (!attached_.count(raw(e.pid))) return;  // a launched command's pre-exec state: noise
    out_.write(describe_snapshot(raw(e.pid), argv_[raw(e.pid)], *snap, opt_));
    int n = threads_[raw(e.pid)];
    out_.write(fmt::format("gotrace: Process {} attached with {} thread{}\n", raw(e.pid), n,
                           n == 1 ? "" : "s"));
    out_.flush();
  }
}

}  // namespace gotrace::sinks
