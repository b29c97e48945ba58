// A child holding the pipe its parent waits on. See analyzers.h.
#include <fmt/format.h>

#include <cerrno>

#include "analyzers.h"

namespace gotrace::analyzers {
namespace {

bool is_pipe_read(SysNo s) { return s == SysNo::read || s == SysNo::readv; }

const FdInfo* pipe_read_end(const ProcessTable& t, int32_t pid, int fd) {
  const ProcessInfo* p = t.process(pid);
  if (!p) return nullptr;
  auto it = p->fds.find(fd);
  if (it == p->fds.end() || it->second.kind != FdKind::Pipe || it->second.pipe_id == 0 || it->second.pipe_write)
    return nullptr;
  return &it->second;
}

}  // namespace

void ChildHang::on_event(const Event& e) {
  if (std::holds_alternative<Tick>(e.body)) {
    if (std::vector<Finding> now = current(); !now.empty()) at_last_tick_ = std::move(now);
    return;
  }
  if (const auto* end = std::get_if<TraceEnd>(&e.body)) {
    interrupted_ = end->reason != EndReason::AllExited;
    return;
  }
  int32_t pid = raw(e.pid);
  if (std::holds_alternative<ThreadExit>(e.body) && raw(e.tid) == pid) {
    std::erase_if(parked_, [&](const auto& kv) { return kv.first.first == pid; });
    return;
  }
  const auto* x = std::get_if<SyscallExit>(&e.body);
  if (!x) return;
  int fd = static_cast<int>(x->args[0].raw);
  if (x->sysno == SysNo::close) {
    parked_.erase({pid, fd});
  } else if (is_pipe_read(x->sysno)) {
    if (x->error() == EAGAIN) {
      if (pipe_read_end(table_, pid, fd)) parked_.try_emplace({pid, fd}, e.ts, raw(e.tid));  // Go parks the goroutine
    } else if (!x->failed()) {
      parked_.erase({pid, fd});
      // That wait is over: it no longer explains an interrupted trace.
      std::erase_if(at_last_tick_, [&](const Finding& f) { return table_.pid_of(f.tid) == pid; });
    }
  }
}

std::vector<Finding> ChildHang::findings() const {
  std::vector<Finding> now = current();
  return now.empty() && interrupted_ ? at_last_tick_ : now;
}

std::vector<Finding> ChildHang::current() const {
  struct Wait {
    int32_t pid, tid;
    int fd;
    Nanos since;
    std::string how;
  };
  std::vector<Wait> waits;
  for (const auto& [tid, call] : table_.all_in_flight())
    if (is_pipe_read(call.call.sysno))
      waits.push_back({table_.pid_of(tid), tid, static_cast<int>(call.call.args[0].raw), call.entered,
                       fmt::format("blocked in {}", call_text(call.call))});
  for (const auto& [key, v] : parked_)
    waits.push_back({key.first, v.second, key.second, v.first,
                     fmt::format("read(fd {}) returned EAGAIN, parked in the netpoller, nothing read since", key.second)});

  std::vector<Finding> out;
  Nanos now = table_.now();
  for (const Wait& w : waits) {
    Nanos waited = now - w.since;
    const FdInfo* end = pipe_read_end(table_, w.pid, w.fd);
    if (waited < threshold_ || !end) continue;
    const ProcessInfo* reader = table_.process(w.pid);
    if (!reader || reader->exited) continue;
    Finding f;
    for (const auto& [qpid, q] : table_.processes()) {
      if (qpid == w.pid || q.exited) continue;
      for (const auto& [qfd, qi] : q.fds) {
        if (qi.pipe_id != end->pipe_id || !qi.pipe_write) continue;
        const ProcessInfo* parent = table_.process(q.parent);
        std::string doing;
        for (const auto& [tid, call] : table_.all_in_flight())
          if (table_.pid_of(tid) == qpid) {
            doing = fmt::format("; it is in {} for {}{}", call_text(call.call), seconds_text(now - call.entered),
                                call.unseen ? " (seen in /proc)" : "");
            break;
          }
        std::string orphan = parent && parent->exited && q.parent != w.pid
                                 ? fmt::format(", left behind by {} (pid {}, exited)", table_.command(q.parent), q.parent)
                                 : "";
        if (f.verdict.empty()) {
          f.verdict = fmt::format("{} is waiting for the end of a pipe that {} (pid {}) still holds open{}",
                                  table_.command(w.pid), table_.command(qpid), qpid, orphan);
          f.pid = qpid;
        }
        f.evidence.push_back(fmt::format("pid {} {} holds fd {} (the write end){}", qpid, table_.command(qpid), qfd, doing));
        break;
      }
    }
    if (f.verdict.empty()) continue;
    f.severity = Severity::Error;
    f.kind = "child_holds_pipe";
    f.tid = w.tid;
    f.at = w.since;
    f.seconds_lost = static_cast<double>(waited.count()) / 1e9;
    f.evidence.insert(f.evidence.begin(), fmt::format("{} tid {}: fd {} is the read end of a pipe: {} for {}",
                                                      table_.command(w.pid), w.tid, w.fd, w.how, seconds_text(waited)));
    f.tries = {fmt::format("the reader gets EOF only when every copy of the write end is closed: stop pid {} "
                           "(`kill {}`), or start such background processes with their output redirected "
                           "(`cmd >/dev/null 2>&1 &`)", f.pid, f.pid)};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace gotrace::analyzers
