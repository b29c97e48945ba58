// The live loop's quiet-fd hooks (fast path, see quiet_fds.h): kept apart from the wait loop
// so that live_source.cpp only calls them.
#include <linux/sched.h>

#include <cstring>

#include "live_impl.h"

namespace gotrace::live {

// At a read/write's seccomp entry stop on a quiet fd: let it run to completion unseen.
bool LiveSource::Impl::skip_quiet(const Task& t, const engine::SyscallStopInfo& si) {
  // Only under the filter: PTRACE_CONT without it would miss every later syscall.
  if (!opt.quiet_files || !t.filtered || t.in_syscall) return false;
  if (!QuietFds::skippable(sysno_from_number(kHostArch, si.nr))) return false;
  if (!quiet.quiet(t.pid, static_cast<int>(si.args[0]))) return false;
  engine::resume(t.tid, engine::Resume::Cont);
  return true;
}

// At a traced call's exit stop (tracee still stopped): keep the quiet set.
void LiveSource::Impl::quiet_exit(const Task& t, int64_t ret) {
  if (!opt.quiet_files) return;
  int tid = t.tid;
  quiet.on_exit(t.pid, t.sysno, t.args, ret, [tid](int fd) { return QuietFds::fd_is_regular(tid, fd); });
}

// At a fork/clone event of `parent` (before it is restarted).
void LiveSource::Impl::quiet_clone(const Task& parent, int event, int child_tid, bool thread) {
  if (!opt.quiet_files || child_tid <= 0) return;
  uint64_t flags = 0;
  if (parent.sysno == SysNo::clone) {
    flags = parent.args[0].raw;
  } else if (parent.sysno == SysNo::clone3 && parent.args[0].data.size() >= 8) {
    std::memcpy(&flags, parent.args[0].data.data(), 8);
  } else if (parent.sysno == SysNo::vfork || event == PTRACE_EVENT_VFORK) {
    flags = CLONE_VM | CLONE_VFORK;
  } else if (parent.sysno != SysNo::fork) {
    flags = thread ? CLONE_THREAD : CLONE_FILES;  // unknown: assume a shared fd table
  }
  if (!thread && !tasks.count(child_tid)) quiet.on_new_process(child_tid);
  quiet.on_clone(parent.pid, child_tid, flags);
}

}  // namespace gotrace::live
