// Formatter dispatcher (gotrace_format): splits a call into the part known at entry (head)
// and the part known at exit (tail), prints each argument by kind through the family
// files, and prints the return value as strace does.
#include <cstdint>
#include <cstring>

#include "internal.h"

namespace gotrace::format {
namespace detail {

namespace {

bool is_exit_kind(ArgKind k) {
  switch (k) {
    case ArgKind::BufOut:
    case ArgKind::IovOut:
    case ArgKind::SockAddrOut:
    case ArgKind::SockLenPtr:
    case ArgKind::SockOptValOut:
    case ArgKind::MsgHdrOut:
    case ArgKind::EpollEventsOut:
    case ArgKind::TimespecOut:
    case ArgKind::TimespecResult:
    case ArgKind::TimevalResult:
    case ArgKind::SigsetOut:
    case ArgKind::SigactionOut:
    case ArgKind::WaitStatusOut:
    case ArgKind::SiginfoOut:
    case ArgKind::RusageOut:
    case ArgKind::RlimitOut:
    case ArgKind::PipeFdsOut:
      return true;
    default:
      return false;
  }
}

// Calls printed by one routine rather than argument by argument; all known at entry.
bool whole_call(SysNo s) { return s == SysNo::futex || s == SysNo::clone || s == SysNo::clone3; }

// Entry-captured arguments that strace still prints at exit, from what the kernel left:
// fcntl's F_GETLK struct and sendmmsg's vector (msg_len is the count sent).
bool shown_at_exit(const Ctx& c, int i) {
  switch (c.call.sysno) {
    case SysNo::fcntl: {
      const auto cmd = static_cast<uint32_t>(c.raw(1));
      return c.kind(i) == ArgKind::FcntlArg && (cmd == 5 || cmd == 36 || cmd == 16);  // F_(OFD_)GETLK, F_GETOWN_EX
    }
    case SysNo::sendmmsg: return c.kind(i) == ArgKind::MmsgHdrIn;
    default: return false;
  }
}

// Index of the first argument known only at exit (every later one is printed at exit too).
int split_point(const Ctx& c) {
  if (c.call.sysno == SysNo::clone && clone_writes_parent_tid(c.raw(0))) return 2;  // parent_tid at exit
  if (c.call.sysno == SysNo::clone3 && clone3_continues(c)) return 1;  // " => {...}, size" at exit
  if (whole_call(c.call.sysno)) return c.info.nargs;
  for (int i = 0; i < c.info.nargs; ++i)
    if (is_exit_kind(c.kind(i)) || shown_at_exit(c, i)) return i;
  return c.info.nargs;
}

void put_args(std::string& out, const Ctx& c, int from, int to) {
  if (whole_call(c.call.sysno)) {
    if (c.call.sysno == SysNo::clone) {
      if (from < to) put_clone_args(out, c, from == 0, to == c.info.nargs);
    } else if (c.call.sysno == SysNo::clone3) {
      if (from < to) put_clone3_call(out, c, from == 0, to == c.info.nargs);
    } else if (from == 0 && to > 0) {
      put_futex_args(out, c);
    }
    return;
  }
  bool first = true;
  for (int i = from; i < to; ++i) {
    if (fs_skip_arg(c, i)) continue;
    if (!first) out += ", ";
    first = false;
    put_arg(out, c, i);
  }
}

const char* errno_name_or_null(int err) {
  if (err >= 512 && err <= 530) {
    std::string_view n = errno_name(err);
    return n.starts_with("errno ") ? nullptr : n.data();
  }
  return err > 0 ? strerrorname_np(err) : nullptr;
}

void put_return(std::string& out, const Ctx& c) {
  if (!c.call.exited || c.info.has(kNeverReturns)) {
    out += '?';
    return;
  }
  if (c.failed()) {
    const int err = static_cast<int>(-c.call.ret);
    switch (err) {
      case 512: case 513: case 514: case 516:  // ERESTART*: the call will be restarted
        put(out, "? {} ({})", errno_name(err), errno_text(err));
        return;
      default:
        if (const char* name = errno_name_or_null(err))
          put(out, "-1 {} ({})", name, errno_text(err));
        else
          put(out, "-1 (errno {})", err);
        return;
    }
  }
  if (fs_return(out, c) || wait_return(out, c)) return;
  if (c.info.has(kReturnsHex))
    put_hex(out, static_cast<uint64_t>(c.call.ret));
  else if (c.info.has(kReturnsFd) && c.call.ret <= INT32_MAX)
    put_fd(out, static_cast<int32_t>(c.call.ret), c.call.ret_fd_target, c.opt);
  else
    put_d(out, c.call.ret);
}

// Kinds that are a named constant or a set of flags: -X raw prints their number, -X verbose
// the number with the names in a comment (as strace; signals in decimal).
bool is_named_constant(ArgKind k) {
  switch (k) {
    case ArgKind::OpenFlags: case ArgKind::AtFlags: case ArgKind::AccessMode: case ArgKind::Whence:
    case ArgKind::FcntlCmd: case ArgKind::FlockOp: case ArgKind::SockDomain: case ArgKind::SockType:
    case ArgKind::SockProto: case ArgKind::SockFlags: case ArgKind::SockLevel: case ArgKind::SockOptName:
    case ArgKind::ShutdownHow: case ArgKind::MsgFlags: case ArgKind::EpollCtlOp: case ArgKind::ClockId:
    case ArgKind::TimerFlags: case ArgKind::SigprocmaskHow: case ArgKind::Signo: case ArgKind::GrndFlags:
    case ArgKind::CloseRangeFlags: case ArgKind::CloneFlags: case ArgKind::WaitOptions: case ArgKind::IdType:
    case ArgKind::RlimitResource: case ArgKind::MmapProt: case ArgKind::MmapFlags:
      return true;
    default:
      return false;
  }
}

void put_arg_names(std::string& out, const Ctx& c, int i);

}  // namespace

void put_arg(std::string& out, const Ctx& c, int i) {
  const ArgKind k = c.kind(i);
  const bool dirfd_cwd = k == ArgKind::DirFd && static_cast<int32_t>(c.raw(i)) == -100;
  if (c.opt.xlat == XlatStyle::Abbrev || !(is_named_constant(k) || dirfd_cwd)) {
    put_arg_names(out, c, i);
    return;
  }
  std::string number;
  if (k == ArgKind::Signo || dirfd_cwd)
    put_d(number, c.sraw(i));
  else
    put_hex(number, c.raw(i));
  out += number;
  if (c.opt.xlat == XlatStyle::Raw) return;
  std::string names;
  put_arg_names(names, c, i);
  if (names.starts_with(number)) {  // no name for it: as abbrev, "0x8 /* CLOSE_RANGE_??? */"
    out += names.substr(number.size());
    return;
  }
  if (dirfd_cwd) names = "AT_FDCWD";       // without its -y target
  put(out, " /* {} */", names);
}

namespace {

void put_arg_names(std::string& out, const Ctx& c, int i) {
  const Arg& a = c.arg(i);
  switch (c.kind(i)) {
    case ArgKind::Int:
    case ArgKind::Long: put_d(out, c.sraw(i)); return;
    case ArgKind::Uint:
    case ArgKind::Ulong: put_u(out, c.raw(i)); return;
    case ArgKind::Hex:
      if (c.call.sysno == SysNo::mknod || c.call.sysno == SysNo::mknodat) {
        put_fs_arg(out, c, i);  // dev_t
        return;
      }
      put_hex(out, c.raw(i));
      return;
    case ArgKind::Ptr: put_ptr(out, c.raw(i)); return;
    case ArgKind::Fd:
      put_fd(out, static_cast<int32_t>(c.raw(i)), has_data(a) ? std::string_view(a.data) : "", c.opt);
      return;
    case ArgKind::DirFd:
      if (static_cast<int32_t>(c.raw(i)) == -100) {  // AT_FDCWD
        out += "AT_FDCWD";
        if (has_data(a)) put_fd_target(out, a.data, c.opt);
      } else {
        put_fd(out, static_cast<int32_t>(c.raw(i)), has_data(a) ? std::string_view(a.data) : "", c.opt);
      }
      return;
    case ArgKind::Path:
    case ArgKind::BufIn:
    case ArgKind::BufOut:
    case ArgKind::IovIn:
    case ArgKind::IovOut:
    case ArgKind::OpenFlags:
    case ArgKind::Mode:
    case ArgKind::AtFlags:
    case ArgKind::AccessMode:
    case ArgKind::Whence:
    case ArgKind::OpenHow:
    case ArgKind::FcntlCmd:
    case ArgKind::FcntlArg:
    case ArgKind::FlockOp:
    case ArgKind::PipeFdsOut:
      put_fs_arg(out, c, i);
      return;
    case ArgKind::SockAddrIn:
    case ArgKind::SockAddrOut:
    case ArgKind::SockLenPtr:
    case ArgKind::SockDomain:
    case ArgKind::SockType:
    case ArgKind::SockProto:
    case ArgKind::SockFlags:
    case ArgKind::SockLevel:
    case ArgKind::SockOptName:
    case ArgKind::SockOptValIn:
    case ArgKind::SockOptValOut:
    case ArgKind::ShutdownHow:
    case ArgKind::MsgFlags:
    case ArgKind::MsgHdrIn:
    case ArgKind::MsgHdrOut:
    case ArgKind::MmsgHdrIn:
      put_net_arg(out, c, i);
      return;
    case ArgKind::EpollCtlOp:
    case ArgKind::EpollEvent:
    case ArgKind::EpollEventsOut:
    case ArgKind::TimeoutMs:
    case ArgKind::TimespecIn:
    case ArgKind::TimespecOut:
    case ArgKind::TimespecResult:
    case ArgKind::TimevalResult:
    case ArgKind::TimevalIn:
    case ArgKind::ClockId:
    case ArgKind::TimerFlags:
    case ArgKind::PollFds:
      put_wait_arg(out, c, i);
      return;
    case ArgKind::SigsetIn:
    case ArgKind::SigsetOut:
    case ArgKind::SigactionIn:
    case ArgKind::SigactionOut:
    case ArgKind::SigprocmaskHow:
    case ArgKind::Signo:
      put_signal_arg(out, c, i);
      return;
    case ArgKind::FutexOp:
    case ArgKind::FutexVal:
    case ArgKind::FutexVal3:
      put_hex(out, c.raw(i));  // futex is printed whole; these appear only in odd tables
      return;
    case ArgKind::FutexUaddr2: put_ptr(out, c.raw(i)); return;
    case ArgKind::FutexTimeout: put_timespec(out, a); return;
    default:
      put_process_arg(out, c, i);
      return;
  }
}

}  // namespace
}  // namespace detail

using namespace detail;

std::string syscall_name(SysNo sysno, int32_t number) {
  if (sysno != SysNo::unknown) return syscall_info(sysno).name;
  // strace 6.1 prints an unknown number in hex: syscall_0x1f4(...)
  return fmt::format("syscall_{:#x}", static_cast<uint64_t>(static_cast<int64_t>(number)));
}

void format_call_head(std::string& out, const CallView& call, const FormatOptions& opt) {
  const Ctx c{call, opt, syscall_info(call.sysno)};
  if (call.sysno == SysNo::unknown)
    put(out, "syscall_{:#x}(", static_cast<uint64_t>(static_cast<int64_t>(call.number)));
  else
    put(out, "{}(", c.info.name);
  const int split = split_point(c);
  put_args(out, c, 0, split);
  if (split < c.info.nargs && split > 0 && c.call.sysno != SysNo::clone3) out += ", ";
}

void format_call_tail(std::string& out, const CallView& call, const FormatOptions& opt) {
  const Ctx c{call, opt, syscall_info(call.sysno)};
  put_args(out, c, split_point(c), c.info.nargs);
  out += ") ";
  // -a: strace pads with spaces so that "= RET" starts at the column (out is the line).
  if (out.size() < opt.column) out.append(opt.column - out.size(), ' ');
  out += "= ";
  put_return(out, c);
}

}  // namespace gotrace::format
