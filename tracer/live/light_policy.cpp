// See light_policy.h.
#include "light_policy.h"

#include <cerrno>

#include "gotrace/fd_effects.h"

namespace gotrace::live {
namespace {

enum class Io { None, Send, Receive };

Io direction(SysNo s) {
  const SyscallInfo& info = syscall_info(s);
  return info.has(kSends) ? Io::Send : info.has(kReceives) ? Io::Receive : Io::None;
}

}  // namespace

bool LightPolicy::window_io(int pid, int fd, bool send, int64_t ret) {
  auto p = windows_.find(pid);
  if (p == windows_.end() || ret <= 0) return false;
  auto w = p->second.find(fd);
  if (w == p->second.end()) return false;
  if (send) {
    w->second.sent = true;
    return false;
  }
  if (!w->second.sent) return false;  // data before any request (a server's greeting): wait on
  p->second.erase(w);
  if (p->second.empty()) windows_.erase(p);
  return true;
}

bool LightPolicy::on_exit(int pid, SysNo s, const Args& a, int64_t ret) {
  bool exhausted = ret == -EMFILE || ret == -ENFILE;
  // Every exit of a process stopping at every call comes here: most change nothing, decided without a lookup.
  if (!exhausted && windows_.empty() && s != SysNo::connect) return false;
  bool before = every_call(pid);
  if (exhausted) exhausted_.insert(pid);
  int fd = static_cast<int>(a[0].raw);
  auto forget = [&](int from, int to) {
    auto p = windows_.find(pid);
    if (p == windows_.end()) return;
    for (auto w = p->second.begin(); w != p->second.end();)
      w = w->first >= from && w->first <= to ? p->second.erase(w) : std::next(w);
    if (p->second.empty()) windows_.erase(p);
  };
  if (s == SysNo::connect) {
    // A connect that is under way or done; a failed one has nothing to wait for.
    if (ret == 0 || ret == -EINPROGRESS) windows_[pid][fd] = Window{};
  } else if (Io io = direction(s); io != Io::None) {
    window_io(pid, fd, io == Io::Send, ret);
  } else if (const FdEffects fx = fd_effects(s, a, ret); fx.close_first >= 0 && !fx.cloexec_only) {
    // Closed (close, close_range, dup2's target): a window on that fd is over.
    forget(static_cast<int>(fx.close_first), fx.close_last > 0x7fffffffu ? 0x7fffffff : static_cast<int>(fx.close_last));
  }
  return before != every_call(pid);
}

bool LightPolicy::on_nofile(int pid, uint64_t soft, std::size_t open) {
  bool before = every_call(pid);
  bool pressed = soft <= kSmallNofile || open * 4 >= soft * 3;
  if (pressed) small_limit_.insert(pid);
  else small_limit_.erase(pid);
  return before != every_call(pid);
}

void LightPolicy::on_fork(int parent, int child) {
  if (small_limit_.count(parent)) small_limit_.insert(child);
  if (exhausted_.count(parent)) exhausted_.insert(child);
}

void LightPolicy::on_exec(int pid) {
  windows_.erase(pid);
  exhausted_.erase(pid);
}

void LightPolicy::on_gone(int pid) {
  windows_.erase(pid);
  small_limit_.erase(pid);
  exhausted_.erase(pid);
}

int LightPolicy::on_tick(bool bytes_moved, bool busy) {
  if (!stuck_ && !bytes_moved && !busy) {
    stuck_ = true;
    return 1;
  }
  if (stuck_ && bytes_moved) {
    stuck_ = false;
    return -1;
  }
  return 0;
}

}  // namespace gotrace::live
