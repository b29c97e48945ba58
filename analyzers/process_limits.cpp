// Thread and process creation failing against RLIMIT_NPROC. See analyzers.h.
#include <fmt/format.h>

#include <cerrno>

#include "analyzers.h"

namespace gotrace::analyzers {

void ProcessLimits::on_event(const Event& e) {
  const auto* x = std::get_if<SyscallExit>(&e.body);
  if (!x) return;
  int32_t pid = raw(e.pid);
  bool creates = x->sysno == SysNo::clone || x->sysno == SysNo::clone3 ||
                 x->sysno == SysNo::fork || x->sysno == SysNo::vfork;
  if (creates && x->error() == EAGAIN) {
    auto& [count, first] = failures_[pid];
    if (count++ == 0) first = call_text(*x);
    return;
  }
  if (x->sysno == SysNo::write && x->arg(0) == 2 && x->ret > 0) {
    const std::string& d = x->args[1].data;
    if (auto open = unfinished_.find(pid); open != unfinished_.end()) {
      // Go's runtime prints its message in pieces ("...thread (have ", "7", " already; ..."):
      // the line goes on in the next writes to stderr.
      std::string& line = messages_[pid];
      line += d.substr(0, d.find('\n'));
      if (d.find('\n') != std::string::npos || line.size() >= 200) unfinished_.erase(open);
      return;
    }
    if (messages_.count(pid)) return;
    for (const char* m : {"failed to create new OS thread", "pthread_create failed", "Resource temporarily unavailable"})
      if (d.find(m) != std::string::npos) {
        messages_[pid] = d.substr(0, d.find('\n'));
        if (d.find('\n') == std::string::npos) unfinished_.insert(pid);
        break;
      }
  }
}

std::vector<Finding> ProcessLimits::findings() const {
  std::vector<Finding> out;
  for (const auto& [pid, fail] : failures_) {
    Finding f;
    f.severity = Severity::Error;
    f.kind = "nproc";
    f.pid = pid;
    f.verdict = fmt::format("{} could not create a thread or process: {} failed with EAGAIN {}x "
                            "(RLIMIT_NPROC or the system's thread limit)",
                            table_.command(pid), fail.second.substr(0, fail.second.find('(')), fail.first);
    f.evidence.push_back("first: " + fail.second);
    if (messages_.count(pid)) f.evidence.push_back("stderr: " + messages_.at(pid));
    f.tries = {"raise the process limit for the user: `ulimit -u` (nproc in limits.conf, TasksMax= for "
               "systemd, --pids-limit for containers); check kernel.threads-max and pid_max",
               "fewer parallel jobs: GOFLAGS=-p=2 for go build"};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace gotrace::analyzers
