// Rebuilding process, fd and limit state from events. See process_table.h.
#include "process_table.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace gotrace::analyzers {
namespace {

FdKind kind_of_target(const std::string& t) {
  if (t.rfind("socket:", 0) == 0 || t.find(":[") != std::string::npos) {
    if (t.rfind("pipe:", 0) == 0) return FdKind::Pipe;
    if (t.rfind("anon_inode:", 0) == 0)
      return t.find("eventpoll") != std::string::npos ? FdKind::Epoll
             : t.find("pidfd") != std::string::npos   ? FdKind::Pidfd
                                                      : FdKind::Other;
    return FdKind::Socket;
  }
  if (!t.empty() && t[0] == '/') return FdKind::File;
  return FdKind::Other;
}

bool read_u64_pair(const Arg& a, uint64_t& first, uint64_t& second) {
  if (a.data.size() < 16) return false;
  std::memcpy(&first, a.data.data(), 8);
  std::memcpy(&second, a.data.data() + 8, 8);
  return true;
}

}  // namespace

std::string sockaddr_text(const std::string& b) {
  if (b.size() < 2) return {};
  sa_family_t family;
  std::memcpy(&family, b.data(), sizeof family);
  char text[INET6_ADDRSTRLEN] = "";
  if (family == AF_INET && b.size() >= sizeof(sockaddr_in)) {
    sockaddr_in sa;
    std::memcpy(&sa, b.data(), sizeof sa);
    inet_ntop(AF_INET, &sa.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(sa.sin_port));
  }
  if (family == AF_INET6 && b.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sa;
    std::memcpy(&sa, b.data(), sizeof sa);
    inet_ntop(AF_INET6, &sa.sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(sa.sin6_port));
  }
  if (family == AF_UNIX) {
    std::string path = b.substr(2);
    if (!path.empty() && path[0] == '\0') return "@" + path.substr(1, path.find('\0', 1) - 1);
    return path.substr(0, path.find('\0'));
  }
  return {};
}

int sockaddr_port(const std::string& b) {
  if (b.size() < 4) return -1;
  sa_family_t family;
  std::memcpy(&family, b.data(), sizeof family);
  if (family != AF_INET && family != AF_INET6) return -1;
  uint16_t port;
  std::memcpy(&port, b.data() + 2, 2);
  return ntohs(port);
}

std::string target_peer(const std::string& t) {
  auto arrow = t.find("->");
  auto end = t.rfind(']');
  if (arrow == std::string::npos || end == std::string::npos || end < arrow) return {};
  std::string peer = t.substr(arrow + 2, end - arrow - 2);
  if (peer.rfind("[::ffff:", 0) == 0 && peer.find('.') != std::string::npos) {  // v4-mapped
    auto rb = peer.find(']');
    if (rb != std::string::npos) peer = peer.substr(8, rb - 8) + peer.substr(rb + 1);
  }
  return peer;
}

bool inet_target(const std::string& t, bool& udp) {
  udp = t.rfind("UDP:[", 0) == 0 || t.rfind("UDPv6:[", 0) == 0;
  return udp || t.rfind("TCP:[", 0) == 0 || t.rfind("TCPv6:[", 0) == 0;
}

// "TCPv6:[...]" -> AF_INET6, SOCK_STREAM; "UNIX-DGRAM:[...]" -> AF_UNIX, SOCK_DGRAM; 0, 0
// when the description does not say ("socket:[123]").
void socket_kind(const std::string& t, int& domain, int& type) {
  std::string proto = t.substr(0, t.find(":["));
  domain = proto.rfind("UNIX", 0) == 0 ? AF_UNIX : proto.ends_with("v6") ? AF_INET6
           : proto == "TCP" || proto == "UDP" ? AF_INET : 0;
  type = proto.rfind("TCP", 0) == 0 || proto == "UNIX-STREAM" ? SOCK_STREAM
         : proto.rfind("UDP", 0) == 0 || proto == "UNIX-DGRAM" ? SOCK_DGRAM
         : proto == "UNIX-SEQPACKET" ? SOCK_SEQPACKET : 0;
}

ProcessInfo& ProcessTable::proc(int32_t pid) { return procs_[pid]; }

// A snapshot is the truth about the fds at its time, but events before it may have been
// unseen (attach, or a filter that let opens and closes run without a stop). What was known
// of an fd that is still the same thing stays (cloexec, socket peer and type, which pipe);
// anything else is what the snapshot says; fds it does not list are closed.
void ProcessTable::on_snapshot_fds(ProcessInfo& p, const std::vector<OpenFd>& fds, Nanos ts) {
  if (fds.empty() && p.fds_known) return;  // /proc/PID/fd was unreadable (exiting): keep what we know
  std::map<int, FdInfo> now;
  for (const OpenFd& f : fds) {
    FdInfo info;
    info.kind = kind_of_target(f.target);
    info.path = f.target;
    info.opened = ts;
    if (info.kind == FdKind::Socket) {
      info.peer = target_peer(f.target);
      socket_kind(f.target, info.domain, info.type);
    }
    if (auto old = p.fds.find(f.fd); old != p.fds.end() && old->second.kind == info.kind) {
      const FdInfo& o = old->second;
      bool same = true;
      if (info.kind == FdKind::Socket)
        same = o.peer.empty() || info.peer.empty() || o.peer == info.peer;
      else if (info.kind == FdKind::File || info.kind == FdKind::Pipe)
        same = o.path.empty() || o.path == info.path ||  // a relative open names the end of the link
               (o.path[0] != '/' && info.path.ends_with("/" + o.path));
      if (same) {
        info.cloexec = o.cloexec;
        info.opened = o.opened;
        info.domain = o.domain;
        info.type = o.type;
        info.pipe_id = o.pipe_id;
        info.pipe_write = o.pipe_write;
        info.process = o.process;
        if (info.peer.empty()) info.peer = o.peer;
      }
    }
    if (f.cloexec >= 0) info.cloexec = f.cloexec == 1;  // the kernel's word wins when it was read
    now[f.fd] = std::move(info);
  }
  p.fds = std::move(now);
}

std::vector<ArgCondition> ProcessTable::needed_only_when() {
  return {{SysNo::fcntl, 1, {F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD}}};
}

const ProcessInfo* ProcessTable::process(int32_t pid) const {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

const InFlightCall* ProcessTable::in_flight(int32_t tid) const {
  auto it = in_flight_.find(tid);
  return it == in_flight_.end() ? nullptr : &it->second;
}

int32_t ProcessTable::pid_of(int32_t tid) const {
  auto it = tid_pid_.find(tid);
  return it == tid_pid_.end() ? tid : it->second;
}

std::optional<std::string> ProcessTable::env(int32_t pid, const std::string& name) const {
  for (int32_t p : {pid, root_}) {
    if (const ProcessInfo* info = process(p))
      for (const auto& [k, v] : info->env)
        if (k == name) return v;
  }
  return std::nullopt;
}

std::string ProcessTable::command(int32_t pid) const {
  const ProcessInfo* info = process(pid);
  if (!info || info->argv.empty()) return "pid " + std::to_string(pid);
  std::string s;
  for (std::size_t i = 0; i < info->argv.size() && i < 4; ++i) {
    std::string a = info->argv[i];
    if (i == 0) a = a.substr(a.rfind('/') + 1);
    if (!s.empty()) s += ' ';
    // One line whatever the arguments hold (a `python3 -c` script): control characters as
    // C escapes, as strace shows them.
    for (char ch : a) {
      if (ch == '\n') s += "\\n";
      else if (ch == '\t') s += "\\t";
      else if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) s += fmt::format("\\x{:02x}", static_cast<unsigned char>(ch));
      else s += ch;
    }
  }
  return s;
}

void ProcessTable::on_event(const Event& e) {
  now_ = e.ts;
  int32_t pid = raw(e.pid), tid = raw(e.tid);
  ended_.clear();
  on_stop(e);
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ProcessStart>) {
          ProcessInfo& p = proc(pid);
          int32_t parent = raw(b.parent);
          p.parent = parent;
          p.argv = b.argv;
          p.started = e.ts;
          if (const ProcessInfo* from = process(parent); from && parent != pid) {
            p.env = from->env;  // fork copies environment, limits and the fd table
            p.nofile = from->nofile;
            p.nofile_known = from->nofile_known;
            p.fds = from->fds;
            p.fds_known = from->fds_known;
          }
          if (root_ == 0) root_ = pid;
          tid_pid_[tid] = pid;
        } else if constexpr (std::is_same_v<T, ThreadStart>) {
          tid_pid_[tid] = pid;
        } else if constexpr (std::is_same_v<T, Snapshot>) {
          ProcessInfo& p = proc(pid);
          p.nofile = b.nofile;
          p.nofile_known = true;
          if (!b.env.empty()) p.env = b.env;
          on_snapshot_fds(p, b.fds, e.ts);
          p.fds_known = true;
          if (root_ == 0) root_ = pid;
          on_thread_states(e, b.threads);  // attach: calls in progress, never entered under us
        } else if constexpr (std::is_same_v<T, ThreadStates>) {
          on_thread_states(e, b.threads);
        } else if constexpr (std::is_same_v<T, TraceStart>) {
          arch_ = b.arch;
        } else if constexpr (std::is_same_v<T, Exec>) {
          ProcessInfo& p = proc(pid);
          p.argv = b.argv;
          for (auto it = p.fds.begin(); it != p.fds.end();)
            it = it->second.cloexec ? p.fds.erase(it) : std::next(it);
          int32_t former = raw(b.former_tid);
          if (former != tid) {
            auto f = in_flight_.find(former);
            if (f != in_flight_.end()) {
              in_flight_[tid] = f->second;
              in_flight_.erase(former);
            }
          }
          tid_pid_[tid] = pid;
        } else if constexpr (std::is_same_v<T, SyscallEnter>) {
          InFlightCall& f = spare_.get(in_flight_, tid);  // a reused node: assign every field
          f.call = b;  // copy-assign: a reused node's strings keep their capacity
          f.entered = e.ts;
          f.unseen = false;
          f.last_seen = Nanos{0};
          f.wchan.clear();
          if (!restarted_.empty()) {  // a call in progress at attach, restarted by the kernel
            auto r = restarted_.find(tid);
            if (r != restarted_.end() && r->second.first == b.number) f.entered = r->second.second;
            if (r != restarted_.end()) restarted_.erase(r);
          }
        } else if constexpr (std::is_same_v<T, SyscallExit>) {
          spare_.erase(in_flight_, tid);
          on_exit(e, b);
        } else if constexpr (std::is_same_v<T, ThreadExit>) {
          spare_.erase(in_flight_, tid);
          end_busy(tid, -1);
          cpu_seen_.erase(tid);
          if (tid == pid) {
            ProcessInfo& p = proc(pid);
            p.exited = true;
            p.ended = e.ts;
            runs_.erase(pid);
          }
        }
      },
      e.body);
}

void ProcessTable::on_exit(const Event& e, const SyscallExit& x) {
  ProcessInfo& p = proc(raw(e.pid));
  const Args& a = x.args;
  if (x.sysno == SysNo::connect && (!x.failed() || x.error() == EINPROGRESS))
    if (auto it = p.fds.find(static_cast<int>(x.sarg(0))); it != p.fds.end())
      it->second.peer = sockaddr_text(a[1].data);
  if (x.failed()) return;
  if (x.sysno == SysNo::setrlimit || x.sysno == SysNo::prlimit64) {
    on_rlimit(p, x);
    return;
  }
  if (may_change_fds(x.sysno)) apply_fd_effects(p, x, e.ts);
}

void ProcessTable::apply_fd_effects(ProcessInfo& p, const SyscallExit& x, Nanos ts) {
  const FdEffects fx = fd_effects(x);
  if (fx.close_first >= 0) {
    for (auto it = p.fds.lower_bound(static_cast<int>(fx.close_first));
         it != p.fds.end() && static_cast<uint64_t>(it->first) <= fx.close_last;) {
      if (fx.cloexec_only) {
        it->second.cloexec = true;
        ++it;
      } else {
        it = p.fds.erase(it);
      }
    }
  }
  if (fx.cloexec_fd >= 0)
    if (auto it = p.fds.find(fx.cloexec_fd); it != p.fds.end()) it->second.cloexec = fx.cloexec;
  // A pipe's two ends share its number: fork and dup copy it, so its writers can be found.
  uint64_t pipe_id = fx.n_opened > 0 && fx.opened[0].kind == FdKind::Pipe ? ++pipes_ : 0;
  for (const NewFd& n : fx.news()) {
    FdInfo info;
    if (n.copy_of >= 0) {
      if (auto it = p.fds.find(n.copy_of); it != p.fds.end()) info = it->second;
    } else {
      info.kind = n.kind;
      info.domain = n.domain;
      info.type = n.type;
      info.process = n.process;
      info.pipe_write = n.pipe_write;
      if (n.kind == FdKind::Pipe) info.pipe_id = pipe_id;
      if (n.path_arg >= 0) info.path = x.args[static_cast<std::size_t>(n.path_arg)].data;
      if (n.peer_arg >= 0) info.peer = sockaddr_text(x.args[static_cast<std::size_t>(n.peer_arg)].data);
      if (n.listener >= 0)
        if (auto l = p.fds.find(n.listener); l != p.fds.end()) info.domain = l->second.domain;
    }
    info.cloexec = n.cloexec;
    info.opened = ts;
    p.fds[n.fd] = std::move(info);
  }
}

void ProcessTable::on_rlimit(ProcessInfo& p, const SyscallExit& x) {
  const Args& a = x.args;
  bool is_prlimit = x.sysno == SysNo::prlimit64;
  uint64_t resource = is_prlimit ? x.arg(1) : x.arg(0);
  int64_t target = is_prlimit ? x.sarg(0) : 0;
  const Arg& lim = is_prlimit ? a[2] : a[1];
  uint64_t soft, hard;
  if (resource == RLIMIT_NOFILE && read_u64_pair(lim, soft, hard)) {
    ProcessInfo& t = target == 0 ? p : proc(static_cast<int32_t>(target));
    t.nofile = Rlimit{soft, hard};
    t.nofile_known = true;
  }
}

}  // namespace gotrace::analyzers
