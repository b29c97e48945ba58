// File and descriptor syscalls as strace prints them (gotrace_format): open flags and modes,
// *at flags, fcntl commands and their argument and return, I/O buffers and iovecs, pipes.
#include "internal.h"

namespace gotrace::format::detail {

namespace {

using layout::load;

constexpr Flag kAccModes[] = {{0, "O_RDONLY"}, {1, "O_WRONLY"}, {2, "O_RDWR"}, {3, "O_ACCMODE"}};
// strace's order: O_SYNC before __O_SYNC/O_DSYNC, O_TMPFILE before O_DIRECTORY.
constexpr Flag kOpenFlags[] = {
    {0100, "O_CREAT"},      {0200, "O_EXCL"},         {0400, "O_NOCTTY"},
    {01000, "O_TRUNC"},     {02000, "O_APPEND"},      {04000, "O_NONBLOCK"},
    {04010000, "O_SYNC"},   {04000000, "__O_SYNC"},   {010000, "O_DSYNC"},
    {040000, "O_DIRECT"},   {0100000, "O_LARGEFILE"}, {0400000, "O_NOFOLLOW"},
    {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"}, {010000000, "O_PATH"},
    {020200000, "O_TMPFILE"}, {020000000, "__O_TMPFILE"}, {0200000, "O_DIRECTORY"},
    {020000, "FASYNC"},
};
constexpr uint64_t kOCreat = 0100, kOTmpfileBit = 020000000;

constexpr Flag kEfdFlags[] = {{1, "EFD_SEMAPHORE"}, {02000000, "EFD_CLOEXEC"}, {04000, "EFD_NONBLOCK"}};
constexpr Flag kTfdFlags[] = {{1, "TFD_TIMER_ABSTIME"}, {2, "TFD_TIMER_CANCEL_ON_SET"},
                              {02000000, "TFD_CLOEXEC"}, {04000, "TFD_NONBLOCK"}};
constexpr Flag kInFlags[] = {{04000, "IN_NONBLOCK"}, {02000000, "IN_CLOEXEC"}};
constexpr Flag kEpollFlags[] = {{02000000, "EPOLL_CLOEXEC"}};
constexpr Flag kSfdFlags[] = {{04000, "SFD_NONBLOCK"}, {02000000, "SFD_CLOEXEC"}};
constexpr Flag kUffdFlags[] = {{02000000, "O_CLOEXEC"}, {04000, "O_NONBLOCK"}, {1, "UFFD_USER_MODE_ONLY"}};

constexpr Flag kAtFlags[] = {{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},
                             {0x400, "AT_SYMLINK_FOLLOW"},   {0x800, "AT_NO_AUTOMOUNT"},
                             {0x1000, "AT_EMPTY_PATH"},      {0x8000, "AT_RECURSIVE"}};
constexpr Flag kFaccessatFlags[] = {{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_EACCESS"},
                                    {0x1000, "AT_EMPTY_PATH"}};
constexpr Flag kStatxSync[] = {{0, "AT_STATX_SYNC_AS_STAT"}, {0x2000, "AT_STATX_FORCE_SYNC"},
                               {0x4000, "AT_STATX_DONT_SYNC"}};
constexpr Flag kAccessModes[] = {{0, "F_OK"}, {4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}};
constexpr Flag kWhence[] = {{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"},
                            {4, "SEEK_HOLE"}};
constexpr Flag kResolve[] = {{0x01, "RESOLVE_NO_XDEV"}, {0x02, "RESOLVE_NO_MAGICLINKS"},
                             {0x04, "RESOLVE_NO_SYMLINKS"}, {0x08, "RESOLVE_BENEATH"},
                             {0x10, "RESOLVE_IN_ROOT"}, {0x20, "RESOLVE_CACHED"}};
constexpr Flag kFileTypes[] = {{0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"}, {0100000, "S_IFREG"},
                               {060000, "S_IFBLK"},   {040000, "S_IFDIR"},  {020000, "S_IFCHR"},
                               {010000, "S_IFIFO"}};

enum FcntlCmd : uint32_t {
  kDupfd = 0, kGetfd = 1, kSetfd = 2, kGetfl = 3, kSetfl = 4, kGetlk = 5, kSetlk = 6,
  kSetlkw = 7, kSetown = 8, kGetown = 9, kSetsig = 10, kGetsig = 11, kOfdGetlk = 36,
  kOfdSetlk = 37, kOfdSetlkw = 38, kSetlease = 1024, kGetlease = 1025, kDupfdCloexec = 1030,
  kSetpipeSz = 1031, kGetpipeSz = 1032, kAddSeals = 1033, kGetSeals = 1034,
};
constexpr Flag kFcntlCmds[] = {
    {0, "F_DUPFD"},     {1, "F_GETFD"},        {2, "F_SETFD"},         {3, "F_GETFL"},
    {4, "F_SETFL"},     {5, "F_GETLK"},        {6, "F_SETLK"},         {7, "F_SETLKW"},
    {8, "F_SETOWN"},    {9, "F_GETOWN"},       {10, "F_SETSIG"},       {11, "F_GETSIG"},
    {15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"},  {17, "F_GETOWNER_UIDS"}, {36, "F_OFD_GETLK"},
    {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"}, {1024, "F_SETLEASE"},   {1025, "F_GETLEASE"},
    {1026, "F_NOTIFY"}, {1029, "F_CANCELLK"},  {1030, "F_DUPFD_CLOEXEC"}, {1031, "F_SETPIPE_SZ"},
    {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"},
};
constexpr Flag kFdFlags[] = {{1, "FD_CLOEXEC"}};
constexpr Flag kNotifyFlags[] = {{1, "DN_ACCESS"},   {2, "DN_MODIFY"}, {4, "DN_CREATE"},
                                 {8, "DN_DELETE"},   {0x10, "DN_RENAME"}, {0x20, "DN_ATTRIB"},
                                 {0x80000000, "DN_MULTISHOT"}};
constexpr Flag kOwnerTypes[] = {{0, "F_OWNER_TID"}, {1, "F_OWNER_PID"}, {2, "F_OWNER_PGRP"}};
constexpr Flag kFlockOps[] = {{1, "LOCK_SH"},    {2, "LOCK_EX"},     {4, "LOCK_NB"},
                              {8, "LOCK_UN"},    {32, "LOCK_MAND"},  {64, "LOCK_READ"},
                              {128, "LOCK_WRITE"}};
constexpr Flag kLockTypes[] = {{0, "F_RDLCK"}, {1, "F_WRLCK"}, {2, "F_UNLCK"}};
constexpr Flag kSeals[] = {{1, "F_SEAL_SEAL"}, {2, "F_SEAL_SHRINK"}, {4, "F_SEAL_GROW"},
                           {8, "F_SEAL_WRITE"}, {0x10, "F_SEAL_FUTURE_WRITE"}};

void put_file_mode(std::string& out, uint64_t mode) {
  if (const char* type = lookup(kFileTypes, mode & 0170000)) {
    out += type;
    mode &= ~uint64_t{0170000};
    out += '|';
  }
  put_octal_mode(out, mode);
}

void put_at_flags(std::string& out, const Ctx& c, uint64_t v) {
  switch (c.call.sysno) {
    case SysNo::faccessat2: put_flags(out, kFaccessatFlags, v, "AT_???"); return;
    case SysNo::statx:
      put_xval(out, kStatxSync, v & 0x6000, nullptr);
      if (v & ~uint64_t{0x6000}) {
        out += '|';
        put_flags(out, kAtFlags, v & ~uint64_t{0x6000}, "AT_???");
      }
      return;
    default: put_flags(out, kAtFlags, v, "AT_???"); return;
  }
}

// OpenFlags is shared by calls whose flags are spelled differently.
void put_sys_open_flags(std::string& out, const Ctx& c, uint64_t v) {
  switch (c.call.sysno) {
    case SysNo::dup3:
    case SysNo::pipe2: put_flags(out, kOpenFlags, v, "O_???"); break;
    case SysNo::eventfd2: put_flags(out, kEfdFlags, v, "EFD_???"); break;
    case SysNo::timerfd_create: put_flags(out, kTfdFlags, v, "TFD_???"); break;
    case SysNo::inotify_init1: put_flags(out, kInFlags, v, "IN_???"); break;
    case SysNo::epoll_create1: put_flags(out, kEpollFlags, v, "EPOLL_???"); break;
    case SysNo::signalfd4: put_flags(out, kSfdFlags, v, "SFD_???"); break;
    case SysNo::userfaultfd: put_flags(out, kUffdFlags, v, "O_???"); break;
    default: put_open_flags(out, v); break;
  }
}

void put_open_how(std::string& out, const Arg& a) {
  if (!has_data(a) || a.data.size() < layout::kOpenHowSize) {
    put_ptr(out, a.raw);
    return;
  }
  const uint64_t flags = load<uint64_t>(a.data, 0);
  const uint64_t mode = load<uint64_t>(a.data, 8);
  out += "{flags=";
  put_open_flags(out, flags);
  if ((flags & (kOCreat | kOTmpfileBit)) || mode) {
    out += ", mode=";
    put_octal_mode(out, mode);
  }
  out += ", resolve=";
  put_flags(out, kResolve, load<uint64_t>(a.data, 16), "RESOLVE_???");
  out += '}';
}

void put_flock(std::string& out, std::string_view d, bool getlk) {
  out += "{l_type=";
  put_xval(out, kLockTypes, static_cast<uint16_t>(load<int16_t>(d, 0)), "F_???");
  out += ", l_whence=";
  put_xval(out, kWhence, static_cast<uint16_t>(load<int16_t>(d, 2)), "SEEK_???");
  put(out, ", l_start={}, l_len={}", load<int64_t>(d, 8), load<int64_t>(d, 16));
  if (getlk) put(out, ", l_pid={}", load<int32_t>(d, 24));
  out += '}';
}

void put_fcntl_arg(std::string& out, const Ctx& c, const Arg& a) {
  const uint32_t cmd = static_cast<uint32_t>(c.raw(1));
  switch (cmd) {
    case kSetfd: put_flags(out, kFdFlags, a.raw, "FD_???"); return;
    case kSetown:
    case kSetpipeSz:
    case kDupfd:
    case kDupfdCloexec: put_d(out, static_cast<int32_t>(a.raw)); return;
    case kSetfl: put_open_flags(out, a.raw); return;
    case kSetlease: put_xval(out, kLockTypes, a.raw, "F_???"); return;
    case kAddSeals: put_flags(out, kSeals, a.raw, "F_SEAL_???"); return;
    case 1026: put_flags(out, kNotifyFlags, static_cast<uint32_t>(a.raw), "DN_???"); return;  // F_NOTIFY
    case 15:  // F_SETOWN_EX, F_GETOWN_EX: struct f_owner_ex
    case 16:
      if (!has_data(a) || a.data.size() < layout::kFOwnerExSize || (cmd == 16 && !c.succeeded())) {
        put_ptr(out, a.raw);
        return;
      }
      out += "{type=";
      put_xval(out, kOwnerTypes, static_cast<uint32_t>(load<int32_t>(a.data, 0)), "F_OWNER_???");
      put(out, ", pid={}}}", load<int32_t>(a.data, 4));
      return;
    case kSetsig: put_signal(out, static_cast<int32_t>(a.raw)); return;
    case kGetlk:
    case kSetlk:
    case kSetlkw:
    case kOfdGetlk:
    case kOfdSetlk:
    case kOfdSetlkw: {
      if (!has_data(a) || a.data.size() < layout::kFlockSize) {
        put_ptr(out, a.raw);
        return;
      }
      const bool getlk = cmd == kGetlk || cmd == kOfdGetlk;
      std::string_view d(a.data);
      if (d.size() >= 2 * layout::kFlockSize) d = d.substr(layout::kFlockSize);
      put_flock(out, d, getlk);
      return;
    }
    default: put_hex(out, a.raw); return;
  }
}

void put_pipe_fds(std::string& out, const Ctx& c, const Arg& a) {
  if (!c.succeeded() || !has_data(a) || a.data.size() < 8) {
    put_ptr(out, a.raw);
    return;
  }
  // Targets (with -y) follow the two ints, NUL-terminated.
  std::string_view rest = std::string_view(a.data).substr(8);
  out += '[';
  for (int k = 0; k < 2; ++k) {
    std::string_view target;
    if (std::size_t nul = rest.find('\0'); nul != std::string_view::npos) {
      target = rest.substr(0, nul);
      rest.remove_prefix(nul + 1);
    }
    if (k) out += ", ";
    put_fd(out, load<int32_t>(a.data, 4 * static_cast<std::size_t>(k)), target, c.opt);
  }
  out += ']';
}

void put_buf_out(std::string& out, const Ctx& c, const Arg& a) {
  if (!c.succeeded() || !has_data(a)) {
    put_ptr(out, a.raw);
    return;
  }
  const auto ret = static_cast<uint64_t>(c.call.ret);
  switch (c.call.sysno) {
    case SysNo::getrandom: put_buffer(out, a.data, ret, c.opt.string_limit, Quote::Hex); return;
    case SysNo::getcwd: {  // a path: the count includes the NUL, no -s limit
      std::string_view d(a.data);
      if (std::size_t nul = d.find('\0'); nul != std::string_view::npos) d = d.substr(0, nul);
      put_quoted(out, d);
      if (a.state == ArgState::Truncated) out += "...";
      return;
    }
    default: put_buffer(out, a.data, ret, c.opt.string_limit); return;
  }
}

}  // namespace

void put_open_flags(std::string& out, uint64_t v) {
  out += lookup(kAccModes, v & 3);
  v &= ~uint64_t{3};
  if (v == 0) return;
  out += '|';
  put_flags(out, kOpenFlags, v, nullptr);
}

void put_iovecs(std::string& out, const Ctx& c, std::string_view d, std::size_t pos,
                uint32_t count, uint64_t total, bool out_dir, uint64_t budget, bool more, uint64_t base) {
  layout::IovReader r(d, pos);
  layout::IovEntry e;
  out += '[';
  uint32_t k = 0;
  bool limited = false;  // stopped at -s elements
  for (; k < count && r.next(e); ++k) {
    if (k) out += ", ";
    if (k >= c.opt.string_limit) {
      out += "...";
      limited = true;
      break;
    }
    uint64_t len = e.len;
    if (out_dir) {
      len = std::min(e.len, budget);
      budget -= len;
    }
    out += "{iov_base=";
    if (e.has_data)
      put_buffer(out, e.data, len, c.opt.string_limit);
    else
      put_ptr(out, e.base);
    put(out, ", iov_len={}}}", e.len);
  }
  if (!limited && k < count && base && k < total && k <= c.opt.string_limit && k < layout::kVectorLimit)
    put(out, "{}... /* {:#x} */", k ? ", " : "", base + k * layout::kIovecSize);  // unmapped from there
  else if (k == count && (more || k < total))
    out += k ? ", ..." : "...";
  out += ']';
}

bool fs_skip_arg(const Ctx& c, int i) {
  switch (c.call.sysno) {
    case SysNo::open:
    case SysNo::openat:
      // The mode means something only with O_CREAT or O_TMPFILE.
      return c.kind(i) == ArgKind::Mode && !(c.raw(i - 1) & (kOCreat | kOTmpfileBit));
    case SysNo::mknod:
    case SysNo::mknodat: {
      // The device number only for character and block devices.
      if (i == 0 || c.kind(i - 1) != ArgKind::Mode) return false;
      const uint64_t type = c.raw(i - 1) & 0170000;
      return type != 020000 && type != 060000;
    }
    case SysNo::fcntl:
      if (c.kind(i) != ArgKind::FcntlArg) return false;
      switch (static_cast<uint32_t>(c.raw(1))) {
        case kGetfd: case kGetfl: case kGetown: case kGetsig: case kGetlease:
        case kGetpipeSz: case kGetSeals:
          return true;
        default:
          return false;
      }
    default:
      return false;
  }
}

void put_fs_arg(std::string& out, const Ctx& c, int i) {
  const Arg& a = c.arg(i);
  switch (c.kind(i)) {
    case ArgKind::Path: put_path(out, a); break;
    case ArgKind::BufIn:
      if (has_data(a))
        put_buffer(out, a.data, c.raw(i + 1), c.opt.string_limit);
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::BufOut: put_buf_out(out, c, a); break;
    case ArgKind::IovIn:
    case ArgKind::IovOut: {
      const bool out_dir = c.kind(i) == ArgKind::IovOut;
      if (!has_data(a) || (out_dir && !c.call.exited)) {
        put_ptr(out, c.raw(i));
        break;
      }
      const uint64_t budget = c.succeeded() ? static_cast<uint64_t>(c.call.ret) : 0;
      put_iovecs(out, c, a.data, 0, ~0u, c.raw(i + 1), out_dir, budget,
                 a.state == ArgState::Truncated, c.raw(i));
      break;
    }
    case ArgKind::OpenFlags: put_sys_open_flags(out, c, c.raw(i)); break;
    case ArgKind::Mode:
      if (c.call.sysno == SysNo::mknod || c.call.sysno == SysNo::mknodat)
        put_file_mode(out, c.raw(i));
      else
        put_octal_mode(out, c.raw(i));
      break;
    case ArgKind::AtFlags: put_at_flags(out, c, c.raw(i)); break;
    case ArgKind::AccessMode: put_flags(out, kAccessModes, c.raw(i), "?_OK"); break;
    case ArgKind::Whence: put_xval(out, kWhence, static_cast<uint32_t>(c.raw(i)), "SEEK_???"); break;
    case ArgKind::OpenHow: put_open_how(out, a); break;
    case ArgKind::FcntlCmd: put_xval(out, kFcntlCmds, static_cast<uint32_t>(c.raw(i)), "F_???"); break;
    case ArgKind::FcntlArg: put_fcntl_arg(out, c, a); break;
    case ArgKind::FlockOp: put_flags(out, kFlockOps, static_cast<uint32_t>(c.raw(i)), "LOCK_???"); break;
    case ArgKind::PipeFdsOut: put_pipe_fds(out, c, a); break;
    default:
      if ((c.call.sysno == SysNo::mknod || c.call.sysno == SysNo::mknodat) && i > 0 &&
          c.kind(i - 1) == ArgKind::Mode) {  // dev_t, as glibc's major()/minor() split it
        const uint64_t dev = c.raw(i);
        put(out, "makedev({:#x}, {:#x})", ((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff),
            ((dev >> 12) & 0xffffff00) | (dev & 0xff));
        break;
      }
      put_hex(out, c.raw(i));
      break;
  }
}

// fcntl's and umask's returns are not plain numbers.
bool fs_return(std::string& out, const Ctx& c) {
  if (!c.succeeded()) return false;
  const int64_t ret = c.call.ret;
  if (c.call.sysno == SysNo::umask) {
    put_octal_mode(out, static_cast<uint64_t>(ret));
    return true;
  }
  if (c.call.sysno != SysNo::fcntl) return false;
  switch (static_cast<uint32_t>(c.raw(1))) {
    case kGetfl:
      put_hex(out, static_cast<uint64_t>(ret));
      out += " (flags ";
      put_open_flags(out, static_cast<uint64_t>(ret));
      out += ')';
      return true;
    case kGetfd:
      if (ret == 0) return false;
      put_hex(out, static_cast<uint64_t>(ret));
      out += " (flags ";
      put_flags(out, kFdFlags, static_cast<uint64_t>(ret), nullptr);
      out += ')';
      return true;
    case kGetlease:
      put_hex(out, static_cast<uint64_t>(ret));
      if (const char* n = lookup(kLockTypes, static_cast<uint64_t>(ret))) put(out, " ({})", n);
      return true;
    case kGetSeals:
      if (ret == 0) return false;
      put_hex(out, static_cast<uint64_t>(ret));
      out += " (seals ";
      put_flags(out, kSeals, static_cast<uint64_t>(ret), nullptr);
      out += ')';
      return true;
    case kGetsig:
      if (ret == 0) return false;
      put_d(out, ret);
      out += " (";
      put_signal(out, static_cast<int>(ret));
      out += ')';
      return true;
    case kDupfd:
    case kDupfdCloexec:
      put_fd(out, static_cast<int32_t>(ret), c.call.ret_fd_target, c.opt);
      return true;
    default:
      return false;
  }
}

}  // namespace gotrace::format::detail

namespace gotrace::format {

void format_io_dump(std::string& out, const CallView& call, int32_t tid) {
  const SyscallInfo& info = syscall_info(call.sysno);
  const bool received = info.has(kReceives);
  for (int i = 0; i < info.nargs; ++i) {
    const Arg& a = call.args[static_cast<std::size_t>(i)];
    if (!detail::has_data(a)) continue;
    switch (info.kinds[i]) {
      case ArgKind::BufIn:
      case ArgKind::BufOut: {
        // A write's buffer that ran into unmapped memory: strace fetches 64 KiB at a time,
        // dumps the chunks it got and names the one it could not fetch.
        const uint64_t count = info.kinds[i] == ArgKind::BufIn ? info.value(call.args, i + 1) : a.data.size();
        if (a.data.size() >= count) {
          format_hex_dump(out, a.data);
          return;
        }
        constexpr uint64_t kChunk = 1 << 16;
        const uint64_t shown = a.data.size() / kChunk * kChunk;
        if (shown == 0) return;
        format_hex_dump(out, std::string_view(a.data).substr(0, shown));
        const uint64_t left = std::min(count - shown, kChunk);
        detail::put(out, " | <Cannot fetch {} byte{} from pid {} @{:#x}>\n", left, left == 1 ? "" : "s", tid,
                    a.raw + shown);
        return;
      }
      case ArgKind::IovIn:
      case ArgKind::IovOut: {
        // writev: every buffer whole; readv: up to what the call returned. An iovec array
        // cut short by unmapped memory: strace reads it whole, fails, and dumps nothing.
        uint64_t left = received ? static_cast<uint64_t>(std::max<int64_t>(call.ret, 0)) : ~0ull;
        layout::IovReader r(a.data, 0);
        layout::IovEntry e;
        uint64_t entries = 0;
        for (layout::IovReader n(a.data, 0); n.next(e);) ++entries;
        if (entries < info.value(call.args, i + 1)) return;
        for (int k = 0; left > 0 && r.next(e); ++k) {
          const uint64_t n = std::min(e.len, left);
          if (n == 0) break;
          left -= n;
          detail::put(out, " * {} bytes in buffer {}\n", n, k);
          if (e.has_data) format_hex_dump(out, std::string_view(e.data).substr(0, n));
        }
        return;
      }
      default: break;
    }
  }
}

}  // namespace gotrace::format
