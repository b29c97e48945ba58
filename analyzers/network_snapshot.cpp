// NetworkWait on a Snapshot: at attach, and mid-trace when the live source switches from a
// filter that let reads, writes and closes run unseen to full tracing. The snapshot is then
// the truth about the process's sockets: which fds are sockets to which peer, and from the
// kernel's tcp_info, how much data moved and when it last did. See analyzers.h.
#include <netinet/tcp.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "analyzers.h"

namespace gotrace::analyzers {
namespace {

// tcp_info's times have the kernel's tick granularity and are read a moment before the
// event's time: a seen write within this of the kernel's last send is the same data.
constexpr Nanos kSameTime = std::chrono::milliseconds(50);
constexpr int64_t kTickMs = 10;  // the longest kernel clock tick (HZ=100)
// Data received this recently at a snapshot: a transfer still going on.
constexpr int64_t kFlowingMs = 200;
// How long after reading a piece of the body cmd/go may take to write it to the file.
constexpr int64_t kBodyCopyMs = 500;

}  // namespace

void NetworkWait::on_snapshot(int32_t pid, const Snapshot& s, Nanos ts) {
  if (s.fds.empty()) return;  // /proc/PID/fd was unreadable (the process is exiting): no news
  std::map<int, const OpenFd*> listed;
  for (const OpenFd& f : s.fds) listed[f.fd] = &f;
  // A Conn whose fd is gone, or is now something else, was closed unseen. When is unknown,
  // and its answer may have been read unseen too: no wait is concluded from it.
  for (auto it = open_.lower_bound({pid, INT_MIN}); it != open_.end() && it->first.first == pid;) {
    const Conn& c = it->second;
    bool same = false;
    if (auto l = listed.find(c.fd); l != listed.end()) {
      const std::string& t = l->second->target;
      bool udp = false;
      std::string peer = target_peer(t);
      same = t.rfind("socket:[", 0) == 0 ||  // in no table we could read: a socket still
             (inet_target(t, udp) && udp == c.udp && (c.peer.empty() || peer.empty() || peer == c.peer));
    }
    if (same) {
      ++it;
      continue;
    }
    it = close_unseen(it, ts);
  }
  for (const OpenFd& f : s.fds) {
    bool udp = false;
    if (!inet_target(f.target, udp)) continue;
    Conn& c = open_[{pid, f.fd}];
    if (c.fd < 0) {  // a socket made unseen
      c.pid = pid;
      c.fd = f.fd;
      c.udp = udp;
    }
    if (c.peer.empty()) {
      c.peer = target_peer(f.target);
      if (!c.peer.empty()) {
        c.port = std::atoi(c.peer.c_str() + c.peer.rfind(':') + 1);
        if (auto n = names_.find(host_of(c.peer)); n != names_.end() && c.host.empty()) c.host = n->second;
      }
    }
    if (f.tcp_state) on_tcp_facts(c, f, ts);
  }
  match_downloads(pid, s);
}

// cmd/go's downloads in the module cache, matched to connections by time. tcp_info's
// times count in kernel clock ticks (1-10 ms): a request sent right after the
// previous response was read on a keep-alive connection (cmd/go reuses one at once) shows
// the same time for both, as does a request answered within a tick. cmd/go creates
// VERSION.zipNNN.tmp just before it asks for the .zip and streams the body into it: an
// empty one is a request with no answer yet, sent on the connection whose last send came
// first after the file's creation. That connection is waiting, whatever the tick says, and
// its request is for that .zip.
void NetworkWait::match_downloads(int32_t pid, const Snapshot& s) {
  std::vector<const OpenFd*> conns, zips, bodies;
  for (const OpenFd& f : s.fds) {
    if (f.tcp_state == TCP_ESTABLISHED && f.bytes_sent > 0 && f.last_send_ms >= 0) conns.push_back(&f);
    auto at = f.target.rfind("/@v/");
    if (f.file_size >= 0 && f.modified_ms >= 0 && at != std::string::npos && f.target.ends_with(".tmp") &&
        f.target.find("/cache/download/") != std::string::npos && f.target.find(".zip", at) != std::string::npos)
      (f.file_size == 0 ? zips : bodies).push_back(&f);
  }
  match_bodies(pid, conns, bodies);
  // The oldest request first: each takes the connection of the first send after it.
  std::sort(zips.begin(), zips.end(), [](const OpenFd* a, const OpenFd* b) { return a->modified_ms > b->modified_ms; });
  std::set<const OpenFd*> taken;
  for (const OpenFd* z : zips) {
    const OpenFd* best = nullptr;
    for (const OpenFd* c : conns)
      if (!taken.count(c) && c->last_send_ms <= z->modified_ms + kTickMs && (!best || c->last_send_ms > best->last_send_ms))
        best = c;
    if (!best) continue;
    taken.insert(best);
    // Received after that send (more than a tick): answered, the body has not reached the file yet.
    if (best->bytes_received > 0 && best->last_recv_ms + kTickMs < best->last_send_ms) continue;
    Conn* c = conn(pid, best->fd);
    // Only where the kernel's times are all there is: a read seen later is not in question.
    if (!c || c->last_write == kNever || c->last_read > c->last_write + std::chrono::milliseconds(kTickMs)) continue;
    c->fetching = cache_download(z->target).first + " (.zip)";
    if (c->last_read < c->last_write) continue;  // in order already
    c->last_read = c->last_write - Nanos(1);
    std::string name = z->target.substr(z->target.rfind('/') + 1);
    c->same_tick = fmt::format("cmd/go made {} (still empty) {} before", name,
                               seconds_text(std::chrono::milliseconds(z->modified_ms - best->last_send_ms)));
  }
}

// A .zip file partly written, unchanged since the last data its connection received (Go
// copies the body to the file as it reads it): the response stopped arriving mid-body.
void NetworkWait::match_bodies(int32_t pid, const std::vector<const OpenFd*>& conns,
                               const std::vector<const OpenFd*>& bodies) {
  for (const OpenFd* b : bodies) {
    const OpenFd* best = nullptr;
    for (const OpenFd* c : conns) {
      // Received after its last send (an answer), the file written within a moment of that.
      if (c->bytes_received == 0 || c->last_recv_ms + kTickMs >= c->last_send_ms) continue;
      int64_t gap = c->last_recv_ms - b->modified_ms;  // the read, then the write to the file
      if (gap < -kTickMs || gap > kBodyCopyMs) continue;
      if (!best || std::abs(gap) < std::abs(best->last_recv_ms - b->modified_ms)) best = c;
    }
    Conn* c = best ? conn(pid, best->fd) : nullptr;
    if (!c || c->last_read == kNever) continue;
    c->body_file = b->target.substr(b->target.rfind('/') + 1);
    c->body_size = b->file_size;
    c->fetching = cache_download(b->target).first + " (.zip)";
  }
}

NetworkWait::Conns::iterator NetworkWait::close_unseen(Conns::iterator it, Nanos ts) {
  it->second.closed = ts;
  closed_.push_back(std::move(it->second));  // still counts for refused connects
  return open_.erase(it);
}

void NetworkWait::on_tcp_facts(Conn& c, const OpenFd& f, Nanos ts) {
  const OpenFd before = c.kernel;  // the previous snapshot's facts (tcp_state 0: none)
  c.kernel = f;
  // match_downloads set last_read back for the previous snapshot: undone here, and done
  // again below if this snapshot still shows the download waiting.
  const bool inferred = !c.same_tick.empty();
  const std::string was_fetching = std::move(c.fetching);  // the download it waited for, if known
  c.same_tick.clear();
  c.fetching.clear();
  c.body_file.clear();
  if (f.tcp_state == TCP_SYN_SENT) {
    if (!c.connect_pending) {  // the connect was unseen
      c.connect_pending = true;
      c.kernel_connect = true;
      // SYNs are resent at 1, 3, 7, 15... s (initial RTO 1 s, doubling): a lower bound.
      int n = static_cast<int>(std::min<uint32_t>(f.retransmits, 10));
      c.connect_start = ts - std::chrono::seconds((1 << n) - 1);
    }
    return;
  }
  if (c.connect_pending) {  // connected (or failed) unseen
    c.connect_pending = c.connect_blocking = c.kernel_connect = false;
    c.connected = ts;
  }
  // With no data, tcp_info's "last" times count from the connection's setup: not data.
  const bool sent_unseen = f.bytes_sent > 0 && f.last_send_ms >= 0;
  const bool got_unseen = f.bytes_received > 0 && f.last_recv_ms >= 0;
  // Data was still arriving at the previous snapshot: what came since continues it (a
  // slow body). Otherwise new data is another response, whose start is not known.
  const bool flowing = before.tcp_state && before.last_recv_ms >= 0 && before.last_recv_ms <= kFlowingMs;
  // A response being received that the kernel says went on before the last send: its
  // bytes and end first, then the send ends it.
  if (got_unseen && c.answer_from != kNever && (!sent_unseen || f.last_recv_ms >= f.last_send_ms) &&
      f.bytes_received > c.read) {
    if (flowing) c.last_read = std::max(c.last_read, ts - std::chrono::milliseconds(f.last_recv_ms));
    else end_receive(c);
  }
  if (sent_unseen) {
    Nanos sent = ts - std::chrono::milliseconds(f.last_send_ms);
    // More bytes out than the calls seen wrote (no retransmission to explain them): data
    // went out unseen, however close in time to the last write seen.
    bool more = f.bytes_sent > c.written && (sent > c.last_write + kSameTime || f.retransmits == 0);
    if (c.last_write == kNever || more) {
      if (c.last_write != kNever) sent = std::max(sent, c.last_write + Nanos(1));
      // In the clock tick of the last read seen: after it (a client sends its next request
      // on a kept-alive connection once it has read the previous answer).
      if (more && c.last_read != kNever && sent <= c.last_read &&
          sent + std::chrono::milliseconds(kTickMs) >= c.last_read)
        sent = c.last_read + Nanos(1);
      NetworkWait::sent(c, sent);
      // The request seen before (if any) is not the last one.
      c.request.clear();
      c.last_write = sent;
      c.last_write_bytes = 0;
      c.kernel_write = true;
      if (c.first_write == kNever) c.first_write = sent;
    }
    c.written = std::max(c.written, f.bytes_sent);
  }
  // Bytes sent unseen to a peer that speaks TLS, and not one ever received: the ClientHello
  // went out (before an attach), and the handshake waits for the server's answer.
  if (!c.tls && c.kernel_write && f.bytes_sent > 0 && f.bytes_received == 0 && c.read == 0 && speaks_tls(c))
    c.tls = c.tls_inferred = true;
  if (got_unseen) {
    Nanos got = ts - std::chrono::milliseconds(f.last_recv_ms);
    if (inferred && f.last_recv_ms <= f.last_send_ms) got = std::max(got, c.last_write);  // one tick: in order
    // New data received within a clock tick of the last send: the answer to it (a quick
    // exchange), unless the module cache shows the request still waiting (match_downloads).
    const bool more_in = f.bytes_received > c.read;  // received more than the calls seen read
    if (more_in && c.last_write != kNever && got <= c.last_write &&
        got + std::chrono::milliseconds(kTickMs) >= c.last_write)
      got = c.last_write + Nanos(1);
    if (inferred || c.last_read == kNever || got > c.last_read + kSameTime || (more_in && got > c.last_read)) {
      if (!inferred && c.last_write != kNever && got > c.last_write && c.last_write > c.last_read &&
          c.answer_from == kNever)
        answered_unseen(c, got, f, c.request.empty() ? was_fetching : c.request);
      c.last_read = got;
    }
    c.read = std::max(c.read, f.bytes_received);
  }
  if (c.last_write != kNever && c.last_write > c.last_read) c.seen_waiting = ts;
}

// An answer that came unseen after the last send, last data at `got`. A snapshot that
// showed the request still waiting (seen_waiting) bounds the wait from below: a wait until
// then, and, when the data still flows now (a slow body), receiving since. A response
// that is over by now ends a wait somewhere before `got`: counted as a wait until then.
// Nothing is counted when no snapshot saw it waiting (a quick exchange, start unknown).
void NetworkWait::answered_unseen(Conn& c, Nanos got, const OpenFd& f, const std::string& what) {
  if (c.seen_waiting == kNever || c.seen_waiting <= c.last_write || c.seen_waiting >= got) return;
  if (f.last_recv_ms > kFlowingMs) {
    add_wait(c, c.last_write, got, what);
    return;
  }
  add_wait(c, c.last_write, c.seen_waiting, what);
  c.answer_from = c.seen_waiting;
  c.read_before_answer = c.read;
  c.answer_for = what;
}

// cmd/go holds DIR/cache/download/MODULE/@v/VERSION.lock while it fetches that version, and
// writes each file to a temporary VERSION.zip123.tmp (.mod, .info) next to it.
std::string NetworkWait::fetching(int32_t pid) const {
  const ProcessInfo* p = table_.process(pid);
  if (!p) return {};
  std::map<std::string, std::string> found;  // module@version -> " (.zip)" or ""
  for (const auto& [fd, info] : p->fds) {
    if (info.kind != FdKind::File) continue;
    auto [name, kind] = cache_download(info.path);
    if (name.empty()) continue;
    std::string& k = found[name];
    if (k.empty()) k = kind;
  }
  std::string out;
  int n = 0;
  for (const auto& [name, kind] : found) {
    if (++n > 3) {
      out += fmt::format(" and {} more", found.size() - 3);
      break;
    }
    out += (out.empty() ? "" : ", ") + name + kind;
  }
  if (found.size() > 1) out = "one of " + out;
  return out;
}

}  // namespace gotrace::analyzers
