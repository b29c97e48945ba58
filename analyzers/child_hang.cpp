// A child holding the pipe its parent waits on. See analyzers.h.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "analyzers.h"
#include "gotrace/format.h"

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

// The one child a wait call is for: wait4(pid > 0), waitid(P_PID, pid) or, as Go >= 1.23's
// os/exec waits, waitid(P_PIDFD, fd) with fd a pidfd of the child; 0 for any other wait.
int32_t waited_child(const ProcessTable& t, int32_t pid, const SyscallEnter& c) {
  if (c.sysno == SysNo::wait4) {
    auto child = static_cast<int32_t>(c.arg(0));
    return child > 0 ? child : 0;
  }
  if (c.sysno != SysNo::waitid) return 0;
  uint32_t idtype = static_cast<uint32_t>(c.arg(0));
  if (idtype == 1) return static_cast<int32_t>(c.arg(1));  // P_PID
  if (idtype != 3) return 0;                                      // P_PIDFD
  const ProcessInfo* p = t.process(pid);
  if (!p) return 0;
  auto it = p->fds.find(static_cast<int>(c.arg(1)));
  return it != p->fds.end() && it->second.kind == FdKind::Pidfd ? it->second.process : 0;
}

// A call in flight in `pid` (its main thread's first), or nullptr.
const InFlightCall* call_of(const ProcessTable& t, int32_t pid) {
  const InFlightCall* any = nullptr;
  for (const auto& [tid, call] : t.all_in_flight()) {
    if (t.pid_of(tid) != pid) continue;
    if (tid == pid) return &call;
    if (!any) any = &call;
  }
  return any;
}

// Whether `pid` descends from `ancestor` through processes that are all still running: a
// child the ancestor started and still waits on, not one left behind by an exited parent.
bool live_descendant(const ProcessTable& t, int32_t pid, int32_t ancestor) {
  for (int depth = 0; depth < 8; ++depth) {
    const ProcessInfo* p = t.process(pid);
    if (!p || p->exited) return false;
    if (p->parent == ancestor) return true;
    pid = p->parent;
  }
  return false;
}

bool waits_for_lock_call(const SyscallEnter& c) { return waits_for_lock(c.sysno, c.arg(1)); }

}  // namespace

// What a blocked process waits for, named by the fd of its call: the peer of a socket, the
// terminal, a file lock, a pipe, a file; and what to do about that. Empty when the call
// says nothing more than its name.
ChildHang::Blocker ChildHang::blocker(int32_t pid, const InFlightCall& c) const {
  const SyscallEnter& call = c.call;
  const ProcessInfo* p = table_.process(pid);
  auto fd_of = [&](int fd) -> const FdInfo* {
    if (!p) return nullptr;
    auto it = p->fds.find(fd);
    return it == p->fds.end() ? nullptr : &it->second;
  };
  int fd = static_cast<int>(call.arg(0));
  // poll/ppoll on one fd (a read with a timeout, as Python and curl wait): that fd.
  if ((call.sysno == SysNo::poll || call.sysno == SysNo::ppoll) && call.arg(1) == 1 && call.args[0].data.size() >= 4) {
    int32_t first = 0;
    std::memcpy(&first, call.args[0].data.data(), 4);
    fd = first;
  }
  const FdInfo* f = fd_of(fd);
  if (call.sysno == SysNo::connect && f && !f->peer.empty())
    return {"connecting to " + f->peer,
            fmt::format("check the network path to {} (a firewall dropping packets, a proxy the network requires)", f->peer)};
  if (waits_for_lock_call(call))
    return {"waiting for a lock on " + (f && !f->path.empty() ? f->path : fmt::format("fd {}", fd)),
            "another process holds the lock: `cat /proc/locks` (or gotrace -p on the waiter) names it"};
  const bool reads = call.sysno == SysNo::read || call.sysno == SysNo::readv || call.sysno == SysNo::recvfrom ||
                     call.sysno == SysNo::recvmsg || call.sysno == SysNo::pread64 || call.sysno == SysNo::poll ||
                     call.sysno == SysNo::ppoll;
  if (!reads || !f) return {};
  if (f->kind == FdKind::Socket && !f->peer.empty())
    return {"waiting for data from " + f->peer,
            fmt::format("check the server at {}; for git, GIT_TRACE=1 GIT_CURL_VERBOSE=1 (or GIT_SSH_COMMAND='ssh -v') "
                        "shows what it waits for",
                        f->peer)};
  if (f->path.rfind("/dev/pts/", 0) == 0 || f->path == "/dev/tty")
    return {"reading the terminal (a password or host-key prompt?)",
            "GIT_TERMINAL_PROMPT=0 (and ssh -o BatchMode=yes) make git and ssh fail instead of asking; set up "
            "credentials (a credential helper, an SSH agent, GOPRIVATE with a .netrc)"};
  if (f->kind == FdKind::Pipe) return {"reading a pipe", ""};
  if (!f->path.empty()) return {"reading " + f->path, ""};
  return {};
}

// A parent blocked waiting for one child to exit, while that child (or the child it waits
// for in turn) is itself blocked: names the process at the end of the chain and its call.
void ChildHang::child_waits(std::vector<Finding>& out) const {
  Nanos now = table_.now();
  for (const auto& [tid, call] : table_.all_in_flight()) {
    int32_t pid = table_.pid_of(tid);
    int32_t child = waited_child(table_, pid, call.call);
    Nanos waited = now - call.entered;
    if (child == 0 || waited < threshold_) continue;
    std::vector<int32_t> chain{child};
    const InFlightCall* leaf = nullptr;
    for (int depth = 0; depth < 8; ++depth) {
      const ProcessInfo* p = table_.process(chain.back());
      if (!p || p->exited) break;
      leaf = call_of(table_, chain.back());
      int32_t next = leaf ? waited_child(table_, chain.back(), leaf->call) : 0;
      if (next == 0) break;
      chain.push_back(next);
      leaf = nullptr;
    }
    // Only a blocked child: one that is running, or gone, is doing its job.
    if (!leaf || now - leaf->entered < threshold_) continue;
    int32_t stuck = chain.back();
    Finding f;
    f.severity = Severity::Warning;
    f.kind = "child_wait";
    f.pid = stuck;
    f.tid = tid;
    f.at = call.entered;
    f.seconds_lost = static_cast<double>(waited.count()) / 1e9;
    const Blocker b = blocker(stuck, *leaf);
    f.verdict = fmt::format("{} is waiting for its child {} (pid {}) to exit{}, and it is blocked in {}{}",
                            table_.command(pid), table_.command(child), child,
                            chain.size() > 1 ? fmt::format(", which waits for {} (pid {})", table_.command(stuck), stuck) : "",
                            format::syscall_name(leaf->call.sysno, leaf->call.number), b.what.empty() ? "" : ", " + b.what);
    f.evidence.push_back(fmt::format("{} tid {}: {} for {}", table_.command(pid), tid, call_text(call.call),
                                     seconds_text(waited)));
    f.evidence.push_back(fmt::format("pid {} {}: {} for {}{}", stuck, table_.command(stuck), call_text(leaf->call),
                                     seconds_text(now - leaf->entered), leaf->unseen ? " (seen in /proc)" : ""));
    f.tries = {b.tries.empty() ? fmt::format("see what pid {} waits for (`cat /proc/{}/stack`, `gotrace -p {}`); the "
                                             "parent goes on when it exits", stuck, stuck, stuck)
                               : b.tries};
    out.push_back(std::move(f));
  }
}

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
  int fd = static_cast<int>(x->arg(0));
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
      waits.push_back({table_.pid_of(tid), tid, static_cast<int>(call.call.arg(0)), call.entered,
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
        const InFlightCall* holder_call = nullptr;
        for (const auto& [tid, call] : table_.all_in_flight())
          if (table_.pid_of(tid) == qpid) {
            doing = fmt::format("; it is in {} for {}{}", call_text(call.call), seconds_text(now - call.entered),
                                call.unseen ? " (seen in /proc)" : "");
            holder_call = &call;
            break;
          }
        // The reader's own child, still running, writing its output there (go reading git's):
        // no leak. It is the child's own wait that holds the reader up, if it waits at all.
        if (live_descendant(table_, qpid, w.pid)) {
          if (!holder_call || now - holder_call->entered < threshold_) continue;  // working
          if (!f.verdict.empty()) {  // named already (another holder): one more line
            f.evidence.push_back(fmt::format("pid {} {} holds fd {} (the write end){}", qpid, table_.command(qpid), qfd, doing));
            break;
          }
          const Blocker b = blocker(qpid, *holder_call);
          f.verdict = fmt::format("{} is reading the output of its child {} (pid {}), which is blocked in {}{}",
                                  table_.command(w.pid), table_.command(qpid), qpid,
                                  format::syscall_name(holder_call->call.sysno, holder_call->call.number),
                                  b.what.empty() ? "" : ", " + b.what);
          f.pid = qpid;
          f.kind = "child_output_wait";
          f.tries = {b.tries.empty() ? fmt::format("see what pid {} waits for (`cat /proc/{}/stack`, `gotrace -p {}`)",
                                                   qpid, qpid, qpid)
                                     : b.tries};
          f.evidence.push_back(fmt::format("pid {} {} holds fd {} (the write end){}", qpid, table_.command(qpid), qfd, doing));
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
    f.severity = f.kind.empty() ? Severity::Error : Severity::Warning;
    const bool own_child = !f.kind.empty();
    if (f.kind.empty()) f.kind = "child_holds_pipe";
    f.tid = w.tid;
    f.at = w.since;
    f.seconds_lost = static_cast<double>(waited.count()) / 1e9;
    f.evidence.insert(f.evidence.begin(), fmt::format("{} tid {}: fd {} is the read end of a pipe: {} for {}",
                                                      table_.command(w.pid), w.tid, w.fd, w.how, seconds_text(waited)));
    if (!own_child)
      f.tries = {fmt::format("the reader gets EOF only when every copy of the write end is closed: stop pid {} "
                             "(`kill {}`), or start such background processes with their output redirected "
                             "(`cmd >/dev/null 2>&1 &`)", f.pid, f.pid)};
    out.push_back(std::move(f));
  }
  child_waits(out);
  return out;
}

}  // namespace gotrace::analyzers
