// Running out of file descriptors. See analyzers.h.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "analyzers.h"

namespace gotrace::analyzers {
namespace {

std::string limit_text(uint64_t v) { return v == ~0ull ? "unlimited" : std::to_string(v); }

}  // namespace

std::string FdExhaustion::holders(const ProcessInfo& p) const {
  std::size_t files = 0, modcache = 0, sockets = 0, pipes = 0, pidfds = 0, other = 0;
  std::map<std::string, int> peers;
  std::string gomodcache = "/pkg/mod/";
  for (const auto& [fd, f] : p.fds) {
    switch (f.kind) {
      case FdKind::File:
        ++files;
        if (f.path.find(gomodcache) != std::string::npos) ++modcache;
        break;
      case FdKind::Socket:
        ++sockets;
        if (!f.peer.empty()) ++peers[f.peer];
        break;
      case FdKind::Pipe: ++pipes; break;
      case FdKind::Pidfd: ++pidfds; break;
      default: ++other;
    }
  }
  std::string s = fmt::format("{} files", files);
  if (modcache) s += fmt::format(" ({} under the module cache)", modcache);
  s += fmt::format(", {} sockets", sockets);
  if (!peers.empty()) {
    auto top = std::max_element(peers.begin(), peers.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    s += fmt::format(" ({} to {})", top->second, top->first);
  }
  s += fmt::format(", {} pipes", pipes);
  if (pidfds) s += fmt::format(", {} pidfds (child processes)", pidfds);
  s += fmt::format(", {} other", other);
  return s;
}

void FdExhaustion::on_event(const Event& e) {
  if (const auto* st = std::get_if<Stack>(&e.body)) {
    // The live source takes the stack of every EMFILE/ENFILE right after its exit.
    auto it = hits_.find(raw(e.pid));
    if (it != hits_.end() && it->second.call == st->call && it->second.stack.empty())
      it->second.stack = stack_evidence(*st);
    return;
  }
  const auto* x = std::get_if<SyscallExit>(&e.body);
  if (!x) return;
  int32_t pid = raw(e.pid);
  const ProcessInfo* p = table_.process(pid);
  if (!p) return;
  if (x->error() == EMFILE || x->error() == ENFILE) {
    Hit& h = hits_[pid];
    if (h.count++ == 0) {
      h.err = x->error();
      h.first_call = call_text(*x);
      h.first_at = e.ts;
      h.tid = raw(e.tid);
      h.open_fds = p->fds.size();
      h.nofile = p->nofile;
      h.known = p->fds_known && p->nofile_known;
      h.holders = holders(*p);
      h.call = x->call;
    }
    return;
  }
  if (x->failed() || !p->nofile_known || !p->fds_known || p->nofile.soft == ~0ull) return;
  std::size_t used = p->fds.size();
  if (static_cast<double>(used) >= warn_ratio_ * static_cast<double>(p->nofile.soft)) {
    Hit& n = nearly_[pid];
    if (used > n.open_fds) {
      n.open_fds = used;
      n.nofile = p->nofile;
      n.first_at = e.ts;
      n.first_call = call_text(*x);
      n.holders = holders(*p);
      n.known = true;
    }
  }
}

std::vector<Finding> FdExhaustion::findings() const {
  std::vector<Finding> out;
  for (const auto& [pid, h] : hits_) {
    Finding f;
    f.severity = Severity::Error;
    f.kind = h.err == ENFILE ? "fd_exhaustion_system" : "fd_exhaustion";
    f.pid = pid;
    f.tid = h.tid;
    f.at = h.first_at;
    std::string cmd = table_.command(pid);
    if (h.err == ENFILE) {
      f.verdict = fmt::format("{} hit the system-wide file limit: {} failed with ENFILE ({}x)",
                              cmd, h.first_call.substr(0, h.first_call.find('(')), h.count);
      f.tries = {"compare /proc/sys/fs/file-nr with fs.file-max (sysctl fs.file-max); find the "
                 "process holding most files (ls /proc/*/fd | wc -l)"};
    } else {
      f.verdict = fmt::format(
          "{} ran out of file descriptors: {} failed with EMFILE ({}x){}", cmd,
          h.first_call.substr(0, h.first_call.find('(')), h.count,
          h.known ? fmt::format(" with {} fds open, RLIMIT_NOFILE {} (hard {})", h.open_fds,
                                limit_text(h.nofile.soft), limit_text(h.nofile.hard))
                  : "");
      f.tries = {"raise the limit for the job: `ulimit -n 65536` (and `ulimit -Hn`) in the shell or "
                 "CI step, nofile in /etc/security/limits.conf, LimitNOFILE= for a systemd service, "
                 "--ulimit nofile=65536 for docker run",
                 "Go raises its own soft limit to the hard limit at start, so for `go` the hard "
                 "limit is what bites; its children (git, ssh) get the original soft limit"};
    }
    f.evidence.push_back(fmt::format("first: {} in pid {} tid {} at {}", h.first_call, pid, h.tid,
                                     seconds_text(h.first_at)));
    if (h.known) f.evidence.push_back("open fds then: " + h.holders);
    f.evidence.insert(f.evidence.end(), h.stack.begin(), h.stack.end());
    out.push_back(std::move(f));
  }
  for (const auto& [pid, n] : nearly_) {
    if (hits_.count(pid)) continue;
    Finding f;
    f.severity = Severity::Warning;
    f.kind = "fd_near_limit";
    f.pid = pid;
    f.at = n.first_at;
    f.verdict = fmt::format("{} used {} of its {} file descriptors (RLIMIT_NOFILE soft limit)",
                            table_.command(pid), n.open_fds, limit_text(n.nofile.soft));
    f.evidence = {"at the peak: " + n.holders, "peak reached by " + n.first_call};
    f.tries = {"raise the limit before it fails: `ulimit -n 65536`, LimitNOFILE=, limits.conf"};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace gotrace::analyzers
