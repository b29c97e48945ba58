// The live loop's quiet-fd hooks (fast path, see quiet_fds.h): kept apart from the wait loop
// so that live_source.cpp only calls them.
#include <linux/sched.h>

#include <cstring>

#include "live_impl.h"

namespace gotrace::live {

// At a seccomp entry stop on a quiet fd: a read/write runs to completion unseen; a close
// runs without its exit stop and is emitted at once as having returned 0. The kernel frees
// the fd whatever close returns, and only the fd table looks at it; a regular file's close
// returns 0 but on filesystems that report write-back errors there (NFS, FUSE), which no
// analyzer reads. Its time is not measured (the summary says so).
bool LiveSource::Impl::skip_quiet(const Task& t, const engine::SyscallStopInfo& si) {
  // Only under the filter: PTRACE_CONT without it would miss every later syscall.
  if (!quiet_files() || !t.filtered || t.in_syscall) return false;
  SysNo s = sysno_from_number(kHostArch, si.nr);
  bool close = s == SysNo::close;
  if (!close && !QuietFds::skippable(s)) return false;
  int fd = static_cast<int>(si.args[0]);
  if (!quiet.quiet(t.pid, fd)) return false;
  restart(t.tid, engine::Resume::Cont);
  if (!close) return true;
  quiet.forget(t.pid, fd);
  Nanos ts = now();
  auto& in = std::get<SyscallEnter>(enter_ev.body);
  in.call = next_call++;
  in.sysno = s;
  in.number = static_cast<int32_t>(si.nr);
  take_args(syscall_info(s), si.args, in.args);
  enter_ev.ts = ts;
  enter_ev.pid = Pid{t.pid};
  enter_ev.tid = Tid{t.tid};
  out->on_event(enter_ev);
  auto& x = std::get<SyscallExit>(exit_ev.body);
  x.call = in.call;
  x.sysno = s;
  x.number = in.number;
  x.ret = 0;
  x.entered = ts;
  x.entry_seen = true;
  x.args = in.args;
  x.ret_fd_target.clear();
  exit_ev.ts = ts;
  exit_ev.pid = enter_ev.pid;
  exit_ev.tid = enter_ev.tid;
  out->on_event(exit_ev);
  return true;
}

// At a traced call's exit stop (tracee still stopped): keep the quiet set.
void LiveSource::Impl::quiet_exit(const Task& t, int64_t ret) {
  if (!quiet_files()) return;
  int tid = t.tid;
  quiet.on_exit(t.pid, t.sysno, t.args, ret, [this, tid](int fd) { return quiet.fd_never_blocks(tid, fd); });
}

// At a fork/clone event of `parent` (before it is restarted).
void LiveSource::Impl::quiet_clone(const Task& parent, std::optional<uint64_t> flags, int child_tid, bool thread) {
  if (!quiet_files() || child_tid <= 0) return;
  if (!thread && !tasks.count(child_tid)) quiet.on_new_process(child_tid);
  // Unknown flags: assume a shared fd table.
  quiet.on_clone(parent.pid, child_tid, flags.value_or(thread ? CLONE_THREAD : CLONE_FILES));
}

}  // namespace gotrace::live
