// Capture dispatcher (gotrace_decode): walks a syscall's argument kinds at entry and exit and
// copies what each kind needs out of the stopped tracee. Kinds do most of the work; the few
// arguments whose meaning depends on another one (futex timeout, fcntl arg, socket lengths)
// are handled by the family files. Hot path: no allocation beyond Arg::data's own growth.
#include <algorithm>

#include "capture_internal.h"

namespace gotrace::decode {
namespace detail {

bool read_exact(TaskAccess& task, uint64_t addr, std::size_t len, std::string& out) {
  const std::size_t old = out.size();
  long n = task.read(addr, len, out);
  if (n == static_cast<long>(len)) return true;
  out.resize(old);
  return false;
}

bool read_into(TaskAccess& task, uint64_t addr, void* dst, std::size_t len, std::string& scratch) {
  const std::size_t old = scratch.size();
  bool ok = read_exact(task, addr, len, scratch);
  if (ok) std::memcpy(dst, scratch.data() + old, len);
  scratch.resize(old);
  return ok;
}

void capture_fixed(Arg& a, TaskAccess& task, std::size_t len) {
  if (a.raw == 0) return;
  a.state = read_exact(task, a.raw, len, a.data) ? ArgState::Captured : ArgState::Unreadable;
}

void capture_buffer(Arg& a, TaskAccess& task, uint64_t count, uint64_t limit, uint64_t whole, uint64_t min_keep) {
  if (a.raw == 0) return;
  const uint64_t want = std::min(count, std::max(limit, whole));
  // A buffer read whole for a dump (-e write=) that runs into unmapped memory keeps what
  // could be read, as long as that covers what the line shows (strace reads only that).
  const std::size_t old = a.data.size();
  const long n = task.read(a.raw, want, a.data);
  if (n < 0 || static_cast<uint64_t>(n) < std::min({count, limit, min_keep})) {
    a.data.resize(old);
    a.state = ArgState::Unreadable;
    return;
  }
  a.state = count > limit || static_cast<uint64_t>(n) < want ? ArgState::Truncated : ArgState::Captured;
}

void capture_fd(Arg& a, TaskAccess& task, const CaptureOptions& opt, bool dirfd) {
  if (opt.fd_detail <= 0) return;
  const int fd = static_cast<int32_t>(a.raw);
  constexpr int kAtFdcwd = -100;
  if (fd < 0 || (dirfd && fd == kAtFdcwd)) return;
  if (task.fd_target(fd, opt.fd_detail, a.data))
    a.state = ArgState::Captured;
  else
    a.data.clear();
}

}  // namespace detail

namespace {

using namespace detail;

SysNo sysno_of(const SyscallInfo& info) {
  auto all = all_syscalls();
  if (&info >= all.data() && &info < all.data() + all.size())
    return static_cast<SysNo>(&info - all.data());
  return SysNo::unknown;
}

void capture_path(Arg& a, TaskAccess& task, uint32_t limit) {
  if (a.raw == 0) return;
  bool truncated = false;
  long n = task.read_cstring(a.raw, limit, a.data, truncated);
  if (n < 0) {
    a.data.clear();
    a.state = ArgState::Unreadable;
    return;
  }
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void entry_arg(const SyscallInfo& info, const Pass& p, int i) {
  Arg& a = p.args[static_cast<std::size_t>(i)];
  TaskAccess& task = p.task;
  const CaptureOptions& opt = p.opt;
  using K = ArgKind;
  switch (info.kinds[i]) {
    case K::Fd: capture_fd(a, task, opt, false); break;
    case K::DirFd: capture_fd(a, task, opt, true); break;
    case K::Path: capture_path(a, task, opt.path_limit); break;
    case K::BufIn: capture_buffer(a, task, p.raw(i + 1), opt.buffer_limit, opt.whole_buffers ? UINT64_MAX : 0); break;
    case K::IovIn: capture_iov_in(a, p, i); break;
    case K::SockAddrIn: capture_sockaddr_in(a, p, i); break;
    case K::SockLenPtr: capture_socklen_entry(a, p); break;
    case K::SockOptValIn: capture_sockopt_in(a, p, i); break;
    case K::MsgHdrIn: capture_msghdr_in(a, p); break;
    case K::MsgHdrOut: capture_msghdr_out_entry(a, p); break;
    case K::MmsgHdrIn: capture_mmsghdr_in(a, p, i); break;
    case K::OpenHow: capture_fixed(a, task, layout::kOpenHowSize); break;
    case K::FutexTimeout: capture_futex_timeout(a, p); break;
    case K::EpollEvent: capture_fixed(a, task, layout::kEpollEventSize); break;
    case K::TimespecIn: capture_fixed(a, task, layout::kTimespecSize); break;
    case K::TimevalIn: capture_fixed(a, task, layout::kTimevalSize); break;
    case K::PollFds: capture_pollfds_entry(a, p, i); break;
    case K::SigsetIn: capture_fixed(a, task, layout::kSigsetSize); break;
    case K::SigactionIn: capture_fixed(a, task, layout::kSigactionSize); break;
    case K::Clone3Args: capture_clone3(a, p, i); break;
    case K::Argv: capture_strings(a, p, false); break;
    case K::Envp: capture_strings(a, p, true); break;
    case K::RlimitIn: capture_fixed(a, task, layout::kRlimitSize); break;
    case K::FcntlArg: capture_fcntl_arg_entry(a, p); break;
    default: break;  // register value only
  }
}

void exit_arg(const SyscallInfo& info, const Pass& p, int i) {
  Arg& a = p.args[static_cast<std::size_t>(i)];
  TaskAccess& task = p.task;
  using K = ArgKind;
  switch (info.kinds[i]) {
    case K::BufOut: capture_buf_out(a, p); break;
    case K::IovOut: capture_iov_out(a, p, i); break;
    case K::SockAddrOut: capture_sockaddr_out(a, p, i); break;
    case K::SockOptValOut: capture_sockopt_out(a, p, i); break;
    case K::MsgHdrOut: capture_msghdr_out_exit(a, p); break;
    case K::MmsgHdrIn: capture_mmsghdr_exit(a, p); break;
    case K::EpollEventsOut: capture_epoll_events(a, p); break;
    case K::TimespecOut:  // the time left of a sleep a signal interrupted (ERESTART*), as strace
      if (p.ret <= -512 && p.ret >= -516) capture_fixed(a, task, layout::kTimespecSize);
      break;
    case K::PollFds: capture_pollfds_exit(a, p); break;
    case K::TimespecResult:
    case K::TimevalResult:
      if (p.ret == 0) capture_fixed(a, task, layout::kTimespecSize);
      break;
    case K::SigsetOut:
      if (p.ret == 0) capture_fixed(a, task, layout::kSigsetSize);
      break;
    case K::SigactionOut:
      if (p.ret == 0) capture_fixed(a, task, layout::kSigactionSize);
      break;
    case K::WaitStatusOut:
      if (p.ret > 0) capture_fixed(a, task, 4);
      break;
    case K::SiginfoOut:
      if (p.ret == 0 && a.raw != 0) capture_fixed(a, task, layout::kSiginfoChldSize);
      break;
    case K::ParentTidOut:  // written in the parent with CLONE_PIDFD or CLONE_PARENT_SETTID
      if (p.ret > 0 && a.raw != 0 && (p.raw(0) & (0x1000 | 0x100000))) capture_fixed(a, task, 4);
      break;
    case K::RlimitOut:
      if (p.ret == 0) capture_fixed(a, task, layout::kRlimitSize);
      break;
    case K::RusageOut:  // wait4 returns the child's pid; waitid and getrusage 0
      if (p.sysno == SysNo::wait4 ? p.ret > 0 : p.ret == 0) capture_fixed(a, task, layout::kRusageTimesSize);
      break;
    case K::TimespecIn:  // ppoll leaves the time left in its timeout (strace: ", left {...}")
      if (p.sysno == SysNo::ppoll && p.ret > 0 && a.state == ArgState::Captured) {
        std::string left;
        if (read_exact(task, a.raw, layout::kTimespecSize, left)) a.data += left;
      }
      break;
    case K::PipeFdsOut: capture_pipe_fds(a, p); break;
    case K::FcntlArg: capture_fcntl_arg_exit(a, p); break;
    case K::Clone3Args: capture_clone3_exit(a, p, i); break;
    default: break;
  }
}

// The options for one call: with its fd in a -e write= / read= set, no buffer limit.
const CaptureOptions& for_call(const SyscallInfo& info, const Args& args, const CaptureOptions& opt,
                               bool exit, CaptureOptions& scratch) {
  const NumberSet& dump = exit ? opt.dump_read : opt.dump_write;
  if (dump.empty() || !info.has(exit ? kReceives : kSends) || !dump.has(info.signed_value(args, 0)))
    return opt;
  scratch = opt;
  scratch.whole_buffers = true;
  scratch.vector_limit = 1024;  // IOV_MAX: every iovec
  return scratch;
}

}  // namespace

void capture_entry(const SyscallInfo& info, Args& args, TaskAccess& task,
                   const CaptureOptions& given) {
  CaptureOptions scratch;
  const CaptureOptions& opt = for_call(info, args, given, false, scratch);
  Pass p{sysno_of(info), args, task, opt};
  for (int i = 0; i < info.nargs; ++i) entry_arg(info, p, i);
}

void capture_exit(const SyscallInfo& info, int64_t ret, Args& args, TaskAccess& task,
                  const CaptureOptions& given) {
  CaptureOptions scratch;
  const CaptureOptions& opt = for_call(info, args, given, true, scratch);
  Pass p{sysno_of(info), args, task, opt, ret};
  // Lengths first: SockAddrOut and SockOptValOut read how much the kernel wrote from them.
  for (int i = 0; i < info.nargs; ++i)
    if (info.kinds[i] == ArgKind::SockLenPtr) capture_socklen_exit(args[static_cast<std::size_t>(i)], p);
  for (int i = 0; i < info.nargs; ++i) exit_arg(info, p, i);
}

}  // namespace gotrace::decode
