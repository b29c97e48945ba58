// Name tables for the strace log importer. See strace_names.h.
#include "strace_names.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <charconv>
#include <string>
#include <unordered_map>

namespace gotrace::record::strace {
namespace {

using Map = std::unordered_map<std::string_view, int64_t>;

const Map& errno_map() {
  static const Map map = [] {
    Map m;
    for (int i = 1; i < 200; ++i)
      if (const char* n = strerrorname_np(i)) m.emplace(n, i);
    // Aliases glibc does not return, and the kernel-internal codes strace names
    // (include/linux/errno.h), which a tracer sees but a program never does.
    static const std::pair<const char*, int> extra[] = {
        {"EWOULDBLOCK", EAGAIN}, {"EDEADLOCK", EDEADLK},   {"ENOTSUP", EOPNOTSUPP},
        {"ERESTARTSYS", 512},    {"ERESTARTNOINTR", 513},  {"ERESTARTNOHAND", 514},
        {"ENOIOCTLCMD", 515},    {"ERESTART_RESTARTBLOCK", 516}, {"EPROBE_DEFER", 517},
        {"EOPENSTALE", 518},     {"ENOPARAM", 519},        {"EBADHANDLE", 521},
        {"ENOTSYNC", 522},       {"EBADCOOKIE", 523},      {"ENOTSUPP", 524},
        {"ETOOSMALL", 525},      {"ESERVERFAULT", 526},    {"EBADTYPE", 527},
        {"EJUKEBOX", 528},       {"EIOCBQUEUED", 529},     {"ERECALLCONFLICT", 530},
    };
    for (const auto& [n, v] : extra) m.emplace(n, v);
    return m;
  }();
  return map;
}

constexpr const char* kSignals[] = {
    nullptr, "HUP",  "INT",  "QUIT", "ILL",    "TRAP", "ABRT",  "BUS",  "FPE",  "KILL", "USR1",
    "SEGV",  "USR2", "PIPE", "ALRM", "TERM",   "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
    "TTOU",  "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",   "PWR",  "SYS"};

#define C(name) {#name, static_cast<int64_t>(name)}
const Map& constant_map() {
  static const Map map = {
      // open flags and *at() specials
      C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_CREAT), C(O_EXCL), C(O_NOCTTY), C(O_TRUNC),
      C(O_APPEND), C(O_NONBLOCK), C(O_DSYNC), C(O_SYNC), C(O_DIRECT), C(O_LARGEFILE),
      C(O_DIRECTORY), C(O_NOFOLLOW), C(O_NOATIME), C(O_CLOEXEC), C(O_PATH), C(O_TMPFILE),
      C(AT_FDCWD), C(AT_SYMLINK_NOFOLLOW), C(AT_REMOVEDIR), C(AT_SYMLINK_FOLLOW),
      C(AT_EMPTY_PATH), C(AT_NO_AUTOMOUNT), C(AT_EACCESS), C(F_OK), C(R_OK), C(W_OK), C(X_OK),
      C(F_DUPFD), C(F_GETFD), C(F_SETFD), C(F_GETFL), C(F_SETFL), C(F_DUPFD_CLOEXEC),
      C(FD_CLOEXEC), C(SEEK_SET), C(SEEK_CUR), C(SEEK_END),
      // sockets
      C(AF_UNSPEC), C(AF_UNIX), C(AF_INET), C(AF_INET6), C(AF_NETLINK), C(AF_PACKET),
      C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET), C(SOCK_NONBLOCK),
      C(SOCK_CLOEXEC), C(IPPROTO_IP), C(IPPROTO_TCP), C(IPPROTO_UDP), C(IPPROTO_IPV6),
      C(SOL_SOCKET), C(SO_ERROR), C(SO_REUSEADDR), C(SO_KEEPALIVE), C(SO_RCVBUF), C(SO_SNDBUF),
      C(SO_BROADCAST), C(MSG_PEEK), C(MSG_DONTWAIT), C(MSG_NOSIGNAL), C(MSG_WAITALL),
      C(MSG_TRUNC), C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR),
      // epoll, futex, random
      C(EPOLL_CTL_ADD), C(EPOLL_CTL_DEL), C(EPOLL_CTL_MOD), C(EPOLL_CLOEXEC), C(EPOLLIN),
      C(EPOLLOUT), C(EPOLLERR), C(EPOLLHUP), C(EPOLLRDHUP), C(EPOLLET), C(EPOLLONESHOT),
      C(FUTEX_WAIT), C(FUTEX_WAKE), C(FUTEX_REQUEUE), C(FUTEX_CMP_REQUEUE), C(FUTEX_WAKE_OP),
      C(FUTEX_WAIT_BITSET), C(FUTEX_WAKE_BITSET), C(FUTEX_PRIVATE_FLAG),
      C(FUTEX_CLOCK_REALTIME), C(FUTEX_WAIT_PRIVATE), C(FUTEX_WAKE_PRIVATE),
      C(FUTEX_WAIT_BITSET_PRIVATE), C(FUTEX_WAKE_BITSET_PRIVATE), C(FUTEX_BITSET_MATCH_ANY),
      C(GRND_NONBLOCK), C(GRND_RANDOM), {"CLOSE_RANGE_UNSHARE", 2}, {"CLOSE_RANGE_CLOEXEC", 4},
      // clone, wait, mmap
      C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_PIDFD),
      C(CLONE_PTRACE), C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_THREAD), C(CLONE_NEWNS),
      C(CLONE_SYSVSEM), C(CLONE_SETTLS), C(CLONE_PARENT_SETTID), C(CLONE_CHILD_CLEARTID),
      C(CLONE_DETACHED), C(CLONE_UNTRACED), C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP),
      C(CLONE_NEWUTS), C(CLONE_NEWIPC), C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET),
      C(CLONE_IO), C(SIGCHLD), C(WNOHANG), C(WUNTRACED), C(WCONTINUED), C(__WALL), C(__WCLONE),
      C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC), C(MAP_SHARED), C(MAP_PRIVATE),
      C(MAP_FIXED), C(MAP_ANONYMOUS), C(MAP_DENYWRITE), C(MAP_NORESERVE), C(MAP_STACK),
      C(MAP_POPULATE), C(MAP_GROWSDOWN), C(MAP_FIXED_NOREPLACE),
      // signals: si_code values (names are unique across the families strace prints)
      C(SI_USER), C(SI_KERNEL), C(SI_QUEUE), C(SI_TIMER), C(SI_MESGQ), C(SI_ASYNCIO),
      C(SI_SIGIO), C(SI_TKILL), C(CLD_EXITED), C(CLD_KILLED), C(CLD_DUMPED), C(CLD_TRAPPED),
      C(CLD_STOPPED), C(CLD_CONTINUED), C(SEGV_MAPERR), C(SEGV_ACCERR), C(BUS_ADRALN),
      C(BUS_ADRERR), C(BUS_OBJERR), C(ILL_ILLOPC), C(ILL_ILLOPN), C(ILL_ILLADR), C(FPE_INTDIV),
      C(FPE_INTOVF), C(TRAP_BRKPT), C(TRAP_TRACE), C(POLL_IN), C(POLL_OUT), C(POLL_HUP),
      C(SIG_BLOCK), C(SIG_UNBLOCK), C(SIG_SETMASK),
      // rlimits
      C(RLIMIT_CPU), C(RLIMIT_FSIZE), C(RLIMIT_DATA), C(RLIMIT_STACK), C(RLIMIT_CORE),
      C(RLIMIT_RSS), C(RLIMIT_NPROC), C(RLIMIT_NOFILE), C(RLIMIT_MEMLOCK), C(RLIMIT_AS),
      {"RLIM64_INFINITY", -1}, {"RLIM_INFINITY", -1},
      {"NULL", 0}, {"SI_DETHREAD", -7},
  };
  return map;
}
#undef C

}  // namespace

std::optional<int> errno_from_name(std::string_view name) {
  const Map& m = errno_map();
  auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return static_cast<int>(it->second);
}

std::optional<int> signal_from_name(std::string_view name) {
  if (name.starts_with("SIG")) name.remove_prefix(3);
  if (name == "RTMIN") return 32;
  if (name == "RTMAX") return 64;
  if (name.starts_with("RT_")) {
    int n = 0;
    auto [p, ec] = std::from_chars(name.data() + 3, name.data() + name.size(), n);
    if (ec == std::errc() && p == name.data() + name.size() && n >= 0 && n <= 32) return 32 + n;
    return std::nullopt;
  }
  if (name == "IOT") return 6;
  if (name == "POLL") return 29;
  if (name == "CLD") return 17;
  for (int i = 1; i < static_cast<int>(std::size(kSignals)); ++i)
    if (name == kSignals[i]) return i;
  return std::nullopt;
}

std::optional<int64_t> constant_from_name(std::string_view name) {
  const Map& m = constant_map();
  auto it = m.find(name);
  if (it != m.end()) return it->second;
  if (auto s = signal_from_name(name); s && name.starts_with("SIG")) return *s;
  return std::nullopt;
}

}  // namespace gotrace::record::strace
