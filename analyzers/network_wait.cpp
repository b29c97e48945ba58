// Network waits, read the way Go does network I/O. See analyzers.h.
//
// Go never blocks in connect or read: connect returns EINPROGRESS and the result arrives
// later through getsockopt(SO_ERROR); reads return EAGAIN and the goroutine parks while the
// netpoller thread waits in epoll_pwait. So a wait is measured per socket, from the last
// thing the program sent to the first thing it got back, not per syscall.
#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <sys/wait.h>

#include "analyzers.h"
#include "gotrace/format.h"
#include "wire.h"

namespace gotrace::analyzers {
namespace {

// The data of captured iovecs starting at `pos`: records {u64 iov_len, u32 n, n bytes}
// (arg.h IovIn/IovOut), concatenated; stops at a record without data.
std::string iovec_bytes(const std::string& d, std::size_t pos) {
  std::string out;
  while (pos + 12 <= d.size()) {
    uint32_t n;
    std::memcpy(&n, d.data() + pos + 8, 4);
    pos += 12;
    if (pos + n > d.size()) break;
    out.append(d, pos, n);
    pos += n;
  }
  return out;
}

// The bytes a read/write-family call moved, from its captured arguments (arg.h layouts).
std::string payload(const SyscallExit& x) {
  switch (x.sysno) {
    case SysNo::write:
    case SysNo::read:
    case SysNo::sendto:
    case SysNo::recvfrom:
    case SysNo::pwrite64:
    case SysNo::pread64:
      return x.args[1].data;
    case SysNo::writev:
    case SysNo::readv:
      return iovec_bytes(x.args[1].data, 0);
    case SysNo::sendmsg:
    case SysNo::recvmsg: {
      const std::string& d = x.args[1].data;
      std::size_t pos = 56;
      if (d.size() < pos + 4) return {};
      uint32_t name_len;
      std::memcpy(&name_len, d.data() + pos, 4);
      pos += 4 + name_len + 4;  // name, then the iovec count
      return iovec_bytes(d, pos);
    }
    default:
      return {};
  }
}

bool is_write(SysNo s) { return syscall_info(s).has(kSends); }
bool is_read(SysNo s) { return syscall_info(s).has(kReceives); }

// A seen read this long after the previous one, with no send seen between, starts a new
// response: its request may have gone out unseen.
constexpr Nanos kReceiveGap = std::chrono::seconds(1);
constexpr Nanos kTick = std::chrono::milliseconds(10);  // the longest kernel clock tick (HZ=100)

// A wait that ended with an answer is reported only when it was this long: a proxy
// fetching from its origin on a cache miss answers in seconds, and that is normal.
constexpr Nanos kSlowAnswer = std::chrono::seconds(10);

bool connect_failure(int err) {
  return err == ECONNREFUSED || err == ETIMEDOUT || err == ENETUNREACH || err == EHOSTUNREACH ||
         err == ECONNRESET || err == EADDRNOTAVAIL;
}

}  // namespace

NetworkWait::Conn* NetworkWait::conn(int32_t pid, int fd) {
  auto it = open_.find({pid, fd});
  return it == open_.end() ? nullptr : &it->second;
}

void NetworkWait::on_event(const Event& e) {
  if (const auto* gone = std::get_if<ThreadExit>(&e.body)) {
    const bool clean = WIFEXITED(gone->wait_status) && WEXITSTATUS(gone->wait_status) == 0;
    if (raw(e.tid) == raw(e.pid)) on_process_end(raw(e.pid), e.ts, clean);
  } else if (const auto* snap = std::get_if<Snapshot>(&e.body)) {
    on_snapshot(raw(e.pid), *snap, e.ts);
  } else if (const auto* in = std::get_if<SyscallEnter>(&e.body)) {
    if (in->sysno == SysNo::connect) on_connect_entry(raw(e.pid), *in, e.ts);
  } else if (const auto* st = std::get_if<Stack>(&e.body)) {
    // Go's dialer (net.*) is the same for every connection: show who asked for it.
    if (auto it = connect_stacks_.find(st->call); it != connect_stacks_.end())
      it->second = stack_evidence(*st, 8, {"net.", "internal/poll."});
  } else if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
    on_exit(raw(e.pid), *x, e.ts);
  }
}

void NetworkWait::on_process_end(int32_t pid, Nanos ts, bool clean) {
  // The process is gone, and its sockets with it.
  for (auto it = open_.begin(); it != open_.end();) {
    if (it->first.first != pid) {
      ++it;
      continue;
    }
    Conn gone = std::move(it->second);
    gone.process_ended = true;
    gone.abandoned = clean;
    it = open_.erase(it);
    retire(std::move(gone), ts);
  }
}

void NetworkWait::on_connect_entry(int32_t pid, const SyscallEnter& in, Nanos ts) {
  // A blocking connect (C programs, git, curl, ssh): the wait is inside the call. Go's
  // non-blocking connect returns at once and its exit takes over.
  Conn* c = conn(pid, static_cast<int>(in.arg(0)));
  if (!c) return;
  connect_stacks_[in.call];  // its stack (taken at entry) follows
  c->peer = sockaddr_text(in.args[1].data);
  c->port = sockaddr_port(in.args[1].data);
  c->connect_start = ts;
  c->connect_pending = c->connect_blocking = true;
  if (auto n = names_.find(host_of(c->peer)); n != names_.end() && c->host.empty()) c->host = n->second;
}

void NetworkWait::on_exit(int32_t pid, const SyscallExit& x, Nanos ts) {
  std::vector<std::string> dial_stack;
  if (auto it = connect_stacks_.find(x.call); it != connect_stacks_.end()) {
    dial_stack = std::move(it->second);
    connect_stacks_.erase(it);
  }
  int fd = static_cast<int>(x.arg(0));
  if (x.sysno == SysNo::connect) {
    if (Conn* c = conn(pid, fd)) on_connect_exit(*c, x, std::move(dial_stack), ts);
    return;
  }
  if (x.sysno == SysNo::getsockopt) {
    if (Conn* c = conn(pid, fd)) on_so_error(*c, x, ts);
    return;
  }
  if (syscall_info(x.sysno).has(kReturnsFd | kFdTable)) {
    const FdEffects fx = fd_effects(x);
    if (fx.close_first >= 0 && !fx.cloexec_only) {
      for (auto it = open_.lower_bound({pid, static_cast<int>(fx.close_first)});
           it != open_.end() && it->first.first == pid && fx.closes(it->first.second);) {
        Conn gone = std::move(it->second);
        it = open_.erase(it);
        retire(std::move(gone), ts);
      }
    }
    for (const NewFd& n : fx.news())
      if (n.kind == FdKind::Socket && (n.domain == AF_INET || n.domain == AF_INET6)) {
        auto key = std::make_pair(pid, n.fd);
        if (auto old = open_.find(key); old != open_.end()) close_unseen(old, ts);  // light mode runs closes unseen
        Conn& c = open_[key];
        c.pid = pid;
        c.fd = n.fd;
        c.udp = n.type == SOCK_DGRAM;
      }
    return;
  }
  if (x.ret <= 0) return;  // EAGAIN and friends are how Go waits, not failures
  Conn* c = conn(pid, fd);
  if (!c) return;
  if (is_write(x.sysno)) on_write(*c, payload(x), static_cast<uint64_t>(x.ret), ts);
  else if (is_read(x.sysno)) on_read(*c, payload(x), static_cast<uint64_t>(x.ret), ts);
}

void NetworkWait::on_connect_exit(Conn& c, const SyscallExit& x, std::vector<std::string> dial_stack, Nanos ts) {
  // ERESTART*: a signal interrupted a blocking connect; it restarts, or the thread dies.
  if (c.connect_blocking && x.ret <= -512 && x.ret >= -516) return;
  c.peer = sockaddr_text(x.args[1].data);
  c.port = sockaddr_port(x.args[1].data);
  c.connect_start = x.entered;
  if (!dial_stack.empty()) c.dial_stack = std::move(dial_stack);
  if (auto n = names_.find(host_of(c.peer)); n != names_.end() && c.host.empty()) c.host = n->second;
  // A blocking connect that took long is a wait that ended with an answer.
  if (c.connect_blocking && !x.failed() && ts - c.connect_start >= kSlowAnswer)
    remember(c, wait_finding(c, ts, WaitEnd::Answered));
  c.connect_pending = x.error() == EINPROGRESS;
  c.connect_blocking = false;
  if (!x.failed()) {
    c.connected = ts;
    c.spans.push_back({Phase::Connect, c.connect_start, ts, 0, {}});
  } else if (connect_failure(x.error())) {
    c.connect_error = x.error();
  }
}

// getsockopt(SO_ERROR): how Go learns that its non-blocking connect ended.
void NetworkWait::on_so_error(Conn& c, const SyscallExit& x, Nanos ts) {
  if (x.failed() || x.arg(1) != SOL_SOCKET || x.arg(2) != SO_ERROR || x.args[3].data.size() < 4) return;
  int value;
  std::memcpy(&value, x.args[3].data.data(), 4);
  if (!c.connect_pending) return;
  if (value == 0 && ts - c.connect_start >= kSlowAnswer) remember(c, wait_finding(c, ts, WaitEnd::Answered));
  c.connect_pending = false;
  if (value == 0) {
    c.connected = ts;
    c.spans.push_back({Phase::Connect, c.connect_start, ts, 0, {}});
  } else
    c.connect_error = value;
}

void NetworkWait::on_write(Conn& c, const std::string& bytes, uint64_t n, Nanos ts) {
  if (c.connect_pending) {
    c.connect_pending = false;
    c.connected = ts;
    c.spans.push_back({Phase::Connect, c.connect_start, ts, 0, {}});
  }
  sent(c, ts);
  if (c.udp && c.port == 53) {
    if (auto q = wire::parse_dns(bytes); q && !q->response) {
      c.dns_query = q->name;
      c.dns_answered = false;
    }
  } else if (auto req = wire::parse_http_request(bytes, bytes.size() < n)) {  // fewer bytes seen than written: a prefix
    c.request = req->method + " " + req->target + (req->target_cut ? "..." : "");
    if (!req->host.empty()) c.host = req->host.substr(0, req->host.rfind(':') == std::string::npos ? std::string::npos : req->host.rfind(':'));
    if (req->method == "CONNECT") c.host = req->target.substr(0, req->target.rfind(':'));
  } else if (c.first_write == kNever) {
    if (auto sni = wire::parse_tls_client_hello_sni(bytes)) {
      c.tls = true;
      if (!sni->empty()) c.host = *sni;
    }
  }
  if (c.first_write == kNever) c.first_write = ts;
  c.last_write = ts;
  c.kernel_write = false;
  c.same_tick.clear();
  c.fetching.clear();
  c.body_file.clear();
  c.written += n;
  c.last_write_bytes = n;
}

void NetworkWait::on_read(Conn& c, const std::string& bytes, uint64_t n, Nanos ts) {
  if (waited(c, ts) >= kSlowAnswer) remember(c, wait_finding(c, ts, WaitEnd::Answered));
  const bool waiting = c.last_write != kNever && c.last_write > c.last_read;
  // Data after a silence on a connection whose last send and receive the kernel put in one
  // clock tick (both unseen): that send was the request for it, not an answered one.
  const bool same_tick_request = !waiting && c.kernel_write && c.last_write != kNever &&
                                 ts - c.last_read > kReceiveGap && c.last_read - c.last_write <= kTick;
  if (!c.udp && (waiting || same_tick_request)) {
    answered(c, ts);
  } else if (c.answer_from != kNever && ts - c.last_read > kReceiveGap) {
    // Data again after a silence: the request for it may have gone out unseen (light mode),
    // so the silence is not counted as receiving.
    end_receive(c);
    c.answer_from = ts;
    c.read_before_answer = c.read;
    c.answer_for = c.request.empty() ? c.fetching : c.request;
  }
  c.body_file.clear();  // data flows again
  c.same_tick.clear();  // seen: no longer inferred
  c.last_read = ts;
  c.read += n;
  if (c.udp && c.port == 53) {
    if (auto r = wire::parse_dns(bytes); r && r->response) {
      if (!c.dns_answered && c.last_write != kNever) c.spans.push_back({Phase::Dns, c.last_write, ts, 0, r->name});
      c.dns_answered = true;
      for (const std::string& a : r->addresses) names_[a] = r->name;
    }
  }
}

void NetworkWait::sent(Conn& c, Nanos) { end_receive(c); }

void NetworkWait::answered(Conn& c, Nanos ts) {
  end_receive(c);
  if (c.tls && c.last_read == kNever)
    c.spans.push_back({Phase::Tls, c.last_write, ts, 0, {}});
  else
    add_wait(c, c.last_write, ts, c.request.empty() ? c.fetching : c.request);
  c.answer_from = ts;
  c.read_before_answer = c.read;
  c.answer_for = c.request.empty() ? c.fetching : c.request;
}

// A wait for the first byte of an answer. One that overlaps a wait of the connection's
// already counted is the same request's (a snapshot bounded it first from the kernel's send
// time, the read came later, maybe after the answer's first bytes were counted received):
// it grows instead of counting twice. (An HTTP/1.1 connection carries one request at a time.)
void NetworkWait::add_wait(Conn& c, Nanos from, Nanos to, const std::string& what) {
  for (auto w = c.spans.rbegin(); w != c.spans.rend() && w->to >= from; ++w) {
    if (w->phase != Phase::FirstByte || to < w->from) continue;
    w->from = std::min(w->from, from);
    w->to = std::max(w->to, to);
    if (w->what.empty()) w->what = what;
    return;
  }
  c.spans.push_back({Phase::FirstByte, from, to, 0, what});
}

void NetworkWait::end_receive(Conn& c) {
  if (c.answer_from == kNever) return;
  if (c.last_read >= c.answer_from && c.read > c.read_before_answer)
    c.spans.push_back({Phase::Receive, c.answer_from, c.last_read, c.read - c.read_before_answer, c.answer_for});
  c.answer_from = kNever;
}

std::vector<NetworkWait::PeerSpans> NetworkWait::spans(Nanos now) const {
  std::vector<PeerSpans> out;
  auto add = [&](const Conn& c, bool open) {
    PeerSpans p{role(c), c.pid, c.spans, c.read};
    if (c.answer_from != kNever && c.last_read >= c.answer_from && c.read > c.read_before_answer)
      p.spans.push_back({Phase::Receive, c.answer_from, c.last_read, c.read - c.read_before_answer, c.answer_for});
    // A wait still going on counts until now; one its socket's end cut short, until then.
    Nanos end = open ? now : c.closed;
    if (Nanos w = waited(c, end); w > Nanos{0}) {
      Phase ph = c.connect_pending ? Phase::Connect
                 : c.port == 53    ? Phase::Dns
                 : c.tls && c.last_read == kNever ? Phase::Tls
                                                  : Phase::FirstByte;
      if (c.body_file.empty()) p.spans.push_back({ph, end - w, end, 0, c.port == 53 ? c.dns_query : c.request});
    }
    // The account is of the trace: a wait that began before an attach counts from it.
    for (Span& s : p.spans) s.from = std::max(s.from, std::min(Nanos{0}, s.to));
    if (!p.spans.empty() || p.received) out.push_back(std::move(p));
  };
  for (const Conn& c : closed_) add(c, false);
  for (const auto& [key, c] : open_) add(c, true);
  return out;
}

// "1.2.3.4:80" -> "1.2.3.4", "[::1]:443" -> "::1".
std::string NetworkWait::host_of(const std::string& peer) {
  auto colon = peer.rfind(':');
  std::string h = peer.substr(0, colon);
  if (!h.empty() && h.front() == '[') h = h.substr(1, h.size() - 2);
  return h;
}

}  // namespace gotrace::analyzers
