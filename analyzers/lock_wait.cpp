// Waits for file locks (flock, fcntl F_SETLKW / F_OFD_SETLKW): the file, who holds the
// lock and what that holder does, cmd/go's module cache locks in Go words. See analyzers.h.
#include <fmt/format.h>

#include <climits>

#include "analyzers.h"

namespace gotrace::analyzers {

void LockWait::on_event(const Event& e) {
  int32_t pid = raw(e.pid);
  if (const auto* snap = std::get_if<Snapshot>(&e.body)) {
    if (snap->fds.empty()) return;  // unreadable: no news
    for (auto it = holders_.lower_bound({pid, INT32_MIN}); it != holders_.end() && it->first.first == pid;)
      it = holders_.erase(it);
    for (const OpenFd& f : snap->fds)
      if (f.lock_holder != 0) holders_[{pid, f.fd}] = {f.lock_holder, f.lock, f.lock_holder_text};
    return;
  }
  if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
    if (waits_for_lock(x->sysno, x->arg(1)))
      end_wait(pid, raw(e.tid), static_cast<int>(x->arg(0)), x->entered, e.ts, call_text(*x));
    return;
  }
  // A wait seen only in /proc (light mode, attach) ends when a report shows the thread
  // elsewhere.
  for (const EndedCall& c : table_.ended_unseen())
    if (waits_for_lock(c.call.call.sysno, c.call.call.arg(1)))
      end_wait(c.pid, c.tid, static_cast<int>(c.call.call.arg(0)), c.call.entered, c.ended,
               call_text(c.call.call));
}

// The lock call of `tid` on `fd` (entered at `entered`) returned at `ts`: a long wait is kept.
void LockWait::end_wait(int32_t pid, int32_t tid, int fd, Nanos entered, Nanos ts, std::string text) {
  if (ts - entered < threshold_) return;
  Wait w;
  w.pid = pid;
  w.tid = tid;
  w.since = entered;
  w.until = ts;
  w.call = std::move(text);
  w.fd = fd;
  w.path = path_of(pid, fd);
  if (auto h = holders_.find({pid, fd}); h != holders_.end()) w.holder = h->second;
  ended_.push_back(std::move(w));
}

std::string LockWait::path_of(int32_t pid, int fd) const {
  const ProcessInfo* p = table_.process(pid);
  if (!p) return {};
  auto it = p->fds.find(fd);
  return it == p->fds.end() ? std::string() : it->second.path;
}

Finding LockWait::finding(const Wait& w, bool open) const {
  Finding f;
  f.kind = open ? "lock_wait" : "lock_wait_slow";
  f.pid = w.pid;
  f.tid = w.tid;
  f.at = w.since;
  Nanos waited = w.until - w.since;
  f.seconds_lost = static_cast<double>(waited.count()) / 1e9;
  f.severity = open && waited >= std::chrono::seconds(10) ? Severity::Error : Severity::Warning;
  std::string cmd = table_.command(w.pid);
  std::string file = w.path.empty() ? fmt::format("fd {}", w.fd) : w.path;
  std::string by = w.holder.pid > 0   ? fmt::format("pid {} ({})", w.holder.pid,
                                                    w.holder.what.empty() ? "gone" : w.holder.what)
                   : w.holder.pid < 0 ? "an open file description (an OFD lock, owned by no process)"
                                      : "";
  auto [module, kind] = cache_download(w.path);
  bool go_cache = !module.empty() && kind.empty() && w.path.ends_with(".lock");
  std::string how = open ? fmt::format("is waiting {} for", seconds_text(waited))
                         : fmt::format("waited {} for", seconds_text(waited));
  if (go_cache) {
    f.verdict = fmt::format("{} {} the module cache lock of {}: another go command{} {} it while it {} "
                            "that module into the same GOMODCACHE",
                            cmd, how, module, by.empty() ? "" : ", " + by + ",", open ? "holds" : "held",
                            open ? "downloads" : "downloaded");
    f.tries = {"let the other go command finish, or give this one a module cache of its own "
               "(GOMODCACHE=$(mktemp -d))",
               w.holder.pid > 0 ? fmt::format("if the other one is stuck, `gotrace -p {}` says why", w.holder.pid)
                                : "`cat /proc/locks` shows who holds it"};
  } else {
    f.verdict = fmt::format("{} {} a lock on {}{}", cmd, how, file,
                            by.empty() ? " (who holds it was not read)" : ", held by " + by);
    f.tries = {fmt::format("`cat /proc/locks` and `lsof {}` show the holder", file),
               w.holder.pid > 0 ? fmt::format("`gotrace -p {}` says what the holder waits for", w.holder.pid)
                                : "the holder may be outside this trace"};
  }
  f.evidence.push_back(fmt::format("tid {}: {} {} {}", w.tid, w.call, open ? "for" : "after", seconds_text(waited)));
  if (!w.path.empty()) f.evidence.push_back(fmt::format("fd {}: {}", w.fd, w.path));
  if (!w.holder.lock.empty())
    f.evidence.push_back(fmt::format("/proc/locks: {} lock held by {}", w.holder.lock, by));
  return f;
}

std::vector<Finding> LockWait::findings() const {
  std::vector<Finding> out;
  Nanos now = table_.now();
  for (const auto& [tid, call] : table_.all_in_flight()) {
    if (!waits_for_lock(call.call.sysno, call.call.arg(1)) || now - call.entered < threshold_) continue;
    Wait w;
    w.pid = table_.pid_of(tid);
    w.tid = tid;
    w.since = call.entered;
    w.until = now;
    w.call = call_text(call.call);
    w.fd = static_cast<int>(call.call.arg(0));
    w.path = path_of(w.pid, w.fd);
    if (auto h = holders_.find({w.pid, w.fd}); h != holders_.end()) w.holder = h->second;
    out.push_back(finding(w, true));
  }
  for (const Wait& w : ended_) out.push_back(finding(w, false));
  return out;
}

}  // namespace gotrace::analyzers
