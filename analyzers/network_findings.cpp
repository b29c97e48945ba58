// NetworkWait's findings: who a peer is (GOPROXY entry, GOSUMDB, proxy, VCS host), how long
// it has kept the command waiting, and the verdict, evidence and remedies. The tracking of
// sockets is in network_wait.cpp.
#include <cctype>
#include <fmt/format.h>

#include <netinet/tcp.h>

#include <cerrno>
#include <cstring>

#include "analyzers.h"
#include "gotrace/format.h"
#include "wire.h"

namespace gotrace::analyzers {
namespace {

struct Endpoint {
  std::string host;
  int port = -1;
  bool tls = true;  // https:// (or no scheme, as GOSUMDB's URL may be written)
};

// "https://proxy.golang.org/x" -> {proxy.golang.org, 443}; "127.0.0.1:8999" stays as is.
Endpoint parse_url(std::string url) {
  Endpoint ep;
  int default_port = 443;
  if (auto p = url.find("://"); p != std::string::npos) {
    default_port = url.compare(0, p, "http") == 0 ? 80 : 443;
    ep.tls = default_port == 443;
    url = url.substr(p + 3);
  }
  url = url.substr(0, url.find('/'));
  if (!url.empty() && url.front() == '[') {  // [v6]:port
    auto rb = url.find(']');
    ep.host = url.substr(1, rb == std::string::npos ? std::string::npos : rb - 1);
    if (rb != std::string::npos && rb + 1 < url.size() && url[rb + 1] == ':')
      ep.port = std::atoi(url.c_str() + rb + 2);
  } else if (auto colon = url.rfind(':'); colon != std::string::npos) {
    ep.host = url.substr(0, colon);
    ep.port = std::atoi(url.c_str() + colon + 1);
  } else {
    ep.host = url;
  }
  if (ep.port < 0) ep.port = default_port;
  return ep;
}

// The host a request line in proxy form asks a forward proxy for: "GET http://proxy.golang.org/x"
// -> "proxy.golang.org", "CONNECT sum.golang.org:443" -> "sum.golang.org:443"; "" otherwise.
std::string proxy_form_target(const std::string& request) {
  if (request.rfind("CONNECT ", 0) == 0) return request.substr(8);
  auto sp = request.find(' ');
  if (sp == std::string::npos) return "";
  std::string_view target = std::string_view(request).substr(sp + 1);
  for (std::string_view scheme : {"http://", "https://"})
    if (target.substr(0, scheme.size()) == scheme) {
      target.remove_prefix(scheme.size());
      std::string host(target.substr(0, target.find('/')));
      if (host.ends_with("...")) host.resize(host.size() - 3);
      return host;
    }
  return "";
}

// A GET of the module proxy protocol (/MODULE/@v/..., /MODULE/@latest), whose first path
// element is a domain other than the server's own (a `?go-get=1` lookup asks the module's
// own host). For a proxy that $GOPROXY does not name: a strace log has no environment, and
// `go env -w GOPROXY=...` keeps it in the go env file. A target cut short ("GET /github.com/
// cpuguy83/go-md2m..." under strace's default -s 32) counts when its domain part is whole.
bool module_proxy_request(const std::string& request, const std::string& host, const std::string& ip) {
  std::string_view t = request;
  if (t.rfind("GET /", 0) != 0) return false;
  t.remove_prefix(4);
  bool cut = t.ends_with("...");
  if (cut) t.remove_suffix(3);
  if (t.find("?go-get=") != std::string_view::npos) return false;
  std::size_t slash = t.find('/', 1);
  if (slash == std::string_view::npos) return false;
  std::string_view first = t.substr(1, slash - 1);
  if (first.find('.') == std::string_view::npos || first == host || first == ip) return false;
  return cut || t.find("/@v/") != std::string_view::npos || t.ends_with("/@latest");
}

// cmd/go's toolchain switch (Go >= 1.21, GOTOOLCHAIN=auto, a go.mod `go` or `toolchain`
// line newer than the running Go): it downloads the module golang.org/toolchain at version
// v0.0.1-goX.Y.Z.GOOS-GOARCH and execs its bin/go. "goX.Y.Z" when `s` (a request line or a
// module cache path) names that module's zip, else "".
std::string toolchain_download(std::string_view s) {
  std::size_t at = s.find("golang.org/toolchain");
  if (at == std::string_view::npos) return "";
  std::size_t v = s.find("v0.0.1-go", at);
  if (v == std::string_view::npos) return "";
  std::size_t start = v + 7, end = start + 2;
  while (end < s.size() && !(s[end] == '.' && end + 1 < s.size() && std::isalpha(static_cast<unsigned char>(s[end + 1]))) &&
         (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '.'))
    ++end;
  return std::string(s.substr(start, end - start));
}

}  // namespace

// The command's GOPROXY entries ("https://proxy.golang.org", "direct") and GOSUMDB's URL
// ("" when off), Go's defaults when unset.
std::vector<std::string> NetworkWait::goproxy_entries(int32_t pid) const {
  std::string goproxy = table_.env(pid, "GOPROXY").value_or("https://proxy.golang.org,direct");
  std::vector<std::string> entries;
  for (std::size_t start = 0; start <= goproxy.size();) {
    std::size_t end = goproxy.find_first_of(",|", start);
    if (end == std::string::npos) end = goproxy.size();
    entries.push_back(goproxy.substr(start, end - start));
    start = end + 1;
  }
  return entries;
}

std::string NetworkWait::sumdb_url(int32_t pid) const {
  std::string sumdb = table_.env(pid, "GOSUMDB").value_or("sum.golang.org");
  if (sumdb == "off") return "";
  auto space = sumdb.find(' ');
  return space != std::string::npos ? sumdb.substr(space + 1) : sumdb.substr(0, sumdb.find('+'));
}

bool NetworkWait::names(const Conn& c, const std::string& url, bool* tls) const {
  if (url.empty() || url == "direct" || url == "off") return false;
  Endpoint ep = parse_url(url);
  if (ep.port != c.port) return false;
  std::string ip = host_of(c.peer);
  bool same = ep.host == ip || (!c.host.empty() && ep.host == c.host) || (names_.count(ip) && names_.at(ip) == ep.host);
  if (same && tls) *tls = ep.tls;
  return same;
}

bool NetworkWait::speaks_tls(const Conn& c) const {
  bool tls = false;
  for (const std::string& e : goproxy_entries(c.pid))
    if (names(c, e, &tls)) return tls;
  if (names(c, sumdb_url(c.pid), &tls)) return tls;
  return c.port == 443;
}

std::string NetworkWait::role(const Conn& c) const {
  if (c.port == 53) return "DNS server " + c.peer;
  std::string ip = host_of(c.peer);
  auto matches = [&](const Endpoint& ep) {
    if (ep.port != c.port) return false;
    return ep.host == ip || (!c.host.empty() && ep.host == c.host) ||
           (names_.count(ip) && names_.at(ip) == ep.host);
  };
  std::string shown = c.host.empty() || c.host == ip ? c.peer : c.host + " (" + c.peer + ")";
  const std::vector<std::string> entries = goproxy_entries(c.pid);
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (names(c, entries[i]))
      return fmt::format("module proxy {} (GOPROXY entry {} of {})", shown, i + 1, entries.size());
  if (names(c, sumdb_url(c.pid))) return "checksum database " + shown + " (GOSUMDB)";
  for (const char* var : {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"})
    if (auto proxy = table_.env(c.pid, var); proxy && matches(parse_url(*proxy)))
      return fmt::format("proxy {} ({})", shown, var);
  // A request line in proxy form (an absolute URL, or CONNECT host:port) goes to a forward
  // proxy, whatever the environment says (a strace log has none).
  if (std::string target = proxy_form_target(c.request); !target.empty())
    return fmt::format("forward proxy {} (asked for {})", c.peer, target);
  std::string cmd = table_.command(c.pid);
  if ((cmd == "go" || cmd.rfind("go ", 0) == 0) && module_proxy_request(c.request, c.host, ip))
    return "module proxy " + shown + " (by its request path)";
  if (cmd.rfind("git", 0) == 0 || cmd.rfind("ssh", 0) == 0) return "VCS server " + shown + " (direct)";
  return shown;
}

std::string NetworkWait::netpoller(int32_t pid) const {
  for (const auto& [tid, call] : table_.all_in_flight()) {
    SysNo s = call.call.sysno;
    if (table_.pid_of(tid) == pid && (s == SysNo::epoll_pwait || s == SysNo::epoll_wait || s == SysNo::epoll_pwait2)) {
      long timeout = static_cast<int>(call.call.arg(3));
      return fmt::format("netpoller thread {} in {}(timeout={})", tid, syscall_info(s).name,
                         s == SysNo::epoll_pwait2 ? std::string("...") : std::to_string(timeout));
    }
  }
  return {};
}

Nanos NetworkWait::waited(const Conn& c, Nanos now) const {
  if (c.port < 0 || c.abandoned) return Nanos{-1};
  if (c.connect_pending) return now - c.connect_start;
  if (c.port == 53 && c.dns_answered) return Nanos{-1};
  // The kernel saw the peer close, or the socket closing: no answer is coming on it.
  if (c.kernel.tcp_state && c.kernel.tcp_state != TCP_ESTABLISHED && c.kernel.tcp_state != TCP_SYN_SENT)
    return Nanos{-1};
  if (!c.body_file.empty() && c.last_read != kNever) return now - c.last_read;
  if (c.last_write != kNever && c.last_write > c.last_read) return now - c.last_write;
  return Nanos{-1};
}

std::optional<NetworkWait::Waiting> NetworkWait::longest_wait(Nanos now) const {
  std::optional<Waiting> best;
  for (const auto& [key, c] : open_) {
    Nanos w = waited(c, now);
    if (w < Nanos{0} || (best && now - best->since >= w)) continue;
    std::string what = c.connect_pending ? "connecting to " + role(c)
                       : c.port == 53    ? "an answer from " + role(c) + (c.dns_query.empty() ? "" : " about " + c.dns_query)
                       : !c.body_file.empty() ? "more of the answer from " + role(c)
                                              : "an answer from " + role(c);
    best = Waiting{now - w, std::move(what)};
  }
  return best;
}

void NetworkWait::retire(Conn c, Nanos ts) {
  c.closed = ts;
  if (waited(c, ts) >= threshold_) remember(c, wait_finding(c, ts, WaitEnd::Closed));
  closed_.push_back(std::move(c));
}

void NetworkWait::remember(const Conn& c, Finding f) {
  std::string key = fmt::format("{}|{}|{}", c.pid, f.kind,
                                c.port == 53 && !c.dns_query.empty() ? c.dns_query : c.peer + "|" + c.host);
  Ended& e = ended_[key];
  if (++e.count == 1 || f.seconds_lost > e.worst.seconds_lost) e.worst = std::move(f);
}

namespace {

// The wording of a wait, by phase and by how it stands: [0] still open, [1] answered late,
// [2] ended (closed, or its process ended) with no answer. Named fields: {cmd} the command,
// {who} the peer's role, {waited}, {sock} "fd 5 TCP -> 1.2.3.4:443", {gone} how it ended,
// and the phase's own ({query}, {after}, {what}, ...).
enum Outcome { kOpen, kAnswered, kEnded };
struct Wording {
  const char* verdict;
  const char* evidence;
};
struct PhaseText {
  const char* kind[3];
  Wording words[3];
};

constexpr const char* kStuckConnect =
    "{cmd} is stuck: TCP connect to {who} has not completed for {at_least}{waited} (no SYN-ACK: a firewall or "
    "route drops it); {gives_up}";
// TCP connect, by how it is seen: the kernel's TCP info (data sent unseen), a blocking
// connect() in flight, or Go's non-blocking connect (EINPROGRESS, then SO_ERROR).
enum ConnectSeen { kKernel, kBlocking, kPolled };
constexpr PhaseText kConnect[3] = {
    {{"tcp_connect", "tcp_connect_slow", "tcp_connect"},
     {{kStuckConnect, "{sock}: SYN_SENT, the SYN resent {retransmits} times (kernel TCP info)"}, {}, {}}},
    {{"tcp_connect", "tcp_connect_slow", "tcp_connect"},
     {{kStuckConnect, "{sock}: blocked in connect() for {waited}"},
      {"{cmd}: TCP connect to {who} took {waited}", "{sock}: connect() blocked {waited}, then connected"},
      {"{cmd}: TCP connect to {who} never completed: no SYN-ACK in {waited} (a firewall or route drops it)",
       "{sock}: blocked in connect() {waited} until {gone}"}}},
    {{"tcp_connect", "tcp_connect_slow", "tcp_connect"},
     {{kStuckConnect, "{sock}: connect() returned EINPROGRESS {waited} ago, no SO_ERROR result since"},
      {"{cmd}: TCP connect to {who} took {waited}",
       "{sock}: connect() returned EINPROGRESS, SO_ERROR 0 (connected) {waited} later"},
      {"{cmd}: TCP connect to {who} never completed: no SYN-ACK in {waited} (a firewall or route drops it)",
       "{sock}: connect() returned EINPROGRESS, {gone} {waited} later with no SO_ERROR result"}}},
};

constexpr PhaseText kDns = {
    {"dns", "dns_slow", "dns"},
    {{"{cmd} is stuck resolving {query}: no answer for {waited} from {who}",
      "{sock}: query for {query} sent {waited} ago, nothing read since"},
     {"{cmd}: the DNS answer for {query} from {who} took {waited}",
      "{sock}: query for {query} answered {waited} after it was sent"},
     {"{cmd}: the DNS query for {query} to {who} got no answer in {waited}",
      "{sock}: query for {query} sent, {gone} {waited} later with nothing read"}}};

// Waiting for a response: the TLS handshake, a Go toolchain download, any other request.
// The evidence is the last data sent ({last}, below).
constexpr PhaseText kHandshake = {
    {"tls_handshake", "tls_handshake_slow", "tls_handshake"},
    {{"{cmd} is stuck: the TLS handshake with {who} has not completed for {waited} (ClientHello sent, no answer); "
      "cmd/go gives up after 10 s", nullptr},
     {"{cmd}: the TLS handshake with {who} took {waited} (ClientHello sent, first answer after that long)", nullptr},
     {"{cmd}: the TLS handshake with {who} never completed: ClientHello sent, no answer in {waited}", nullptr}}};
constexpr PhaseText kToolchain = {
    {"toolchain_no_response", "toolchain_slow_response", "toolchain_no_response"},
    {{"{cmd} is stuck {what}: no response for {waited} from {who}{after}; cmd/go sets no response timeout, so this "
      "will not end by itself", nullptr},
     {"{cmd}: {what} waited {waited} for a response from {who}{after}", nullptr},
     {"{cmd}: {what}: no response in {waited} from {who}{after}; the connection ended without one", nullptr}}};
constexpr PhaseText kResponse = {
    {"http_no_response", "http_slow_response", "http_no_response"},
    {{"{cmd} is stuck: no response for {waited} from {who}{after}{no_timeout}", nullptr},
     {"{cmd}: waited {waited} for a response from {who}{after}", nullptr},
     {"{cmd}: no response in {waited} from {who}{after}; the connection ended without one", nullptr}}};
// The last data sent before the wait, [outcome][seen by the kernel only].
constexpr const char* kLastSent[3][2] = {
    {"{sock}, last write {waited} ago ({last_bytes} bytes), {read_since}",
     "{sock}: last data sent {waited} ago ({written} bytes in all{unacked}), {received} (kernel TCP info{resent})"},
    {"{sock}, first bytes back {waited} after the last write ({last_bytes} bytes)",
     "{sock}, first bytes back {waited} after the last data sent (kernel TCP info)"},
    {"{sock}, last write ({last_bytes} bytes) {waited} before {ended}, {read_after}",
     "{sock}, last data sent (kernel TCP info: {written} bytes in all) {waited} before {ended}, {read_after}"}};

// A response that stopped arriving mid-body ({what}: "the response for MODULE VERSION").
constexpr PhaseText kBody = {
    {"http_no_response", "http_slow_response", "http_no_response"},
    {{"{cmd} is stuck: {what} from {who} stopped arriving {waited} ago, mid-body{no_timeout}",
      "{sock}: last data received {waited} ago ({read} bytes in all), nothing since (kernel TCP info)"},
     {"{cmd}: {what} from {who} paused {waited} mid-body",
      "{sock}: the next read came {waited} after the last data the kernel had received"},
     {"{cmd}: {what} from {who} stopped mid-body; the connection ended {waited} later",
      "{sock}: last data received {waited} before {ended}"}}};

}  // namespace

// The facts every wording may name, as fmt named arguments.
struct NetworkWait::Words {
  std::string cmd, who, sock, gone, ended, waited, at_least, gives_up, query, after, what, no_timeout, last_bytes,
      read_since, read_after, received, unacked, resent;
  uint64_t written = 0, read = 0;
  int retransmits = 0;
  std::string say(const char* text) const {
    return fmt::format(fmt::runtime(text), fmt::arg("cmd", cmd), fmt::arg("who", who), fmt::arg("sock", sock),
                       fmt::arg("gone", gone), fmt::arg("ended", ended), fmt::arg("waited", waited),
                       fmt::arg("at_least", at_least), fmt::arg("gives_up", gives_up), fmt::arg("query", query),
                       fmt::arg("after", after), fmt::arg("what", what), fmt::arg("no_timeout", no_timeout),
                       fmt::arg("last_bytes", last_bytes), fmt::arg("read_since", read_since),
                       fmt::arg("read_after", read_after), fmt::arg("received", received),
                       fmt::arg("unacked", unacked), fmt::arg("resent", resent), fmt::arg("written", written),
                       fmt::arg("read", read), fmt::arg("retransmits", retransmits));
  }
  void apply(const PhaseText& p, Outcome o, Finding& f) const {
    f.kind = p.kind[o];
    f.verdict = say(p.words[o].verdict);
    if (p.words[o].evidence) f.evidence.push_back(say(p.words[o].evidence));
  }
};

namespace {
Outcome outcome_of(bool open, bool answered) { return open ? kOpen : answered ? kAnswered : kEnded; }
}  // namespace

Finding NetworkWait::wait_finding(const Conn& c, Nanos now, WaitEnd how) const {
  Finding f;
  f.kind = "network_wait";
  f.pid = c.pid;
  Words w;
  w.cmd = table_.command(c.pid);
  w.who = role(c);
  w.sock = fmt::format("fd {} {} -> {}", c.fd, c.udp ? "UDP" : "TCP", c.peer);
  w.gone = c.process_ended ? "its process ended" : "closed";
  w.ended = c.process_ended ? "its process ended" : "the close";
  Outcome o = outcome_of(how == WaitEnd::Open, how == WaitEnd::Answered);
  // The phase the wait is in, and when it began.
  Nanos since = c.connect_pending ? c.connect_start : !c.body_file.empty() ? c.last_read : c.last_write;
  f.at = since;
  f.seconds_lost = static_cast<double>((now - since).count()) / 1e9;
  w.waited = seconds_text(now - since);
  if (c.connect_pending)
    connect_finding(c, o, w, f);
  else if (c.port == 53 && !c.dns_query.empty())
    dns_finding(c, o, w, f);
  else if (!c.body_file.empty())
    body_finding(c, o, w, f);
  else
    response_finding(c, o, w, f);
  if (o == kOpen)
    if (std::string np = netpoller(c.pid); !np.empty()) f.evidence.push_back(np);
  if (c.dial_stack.size() > 1) {
    f.evidence.push_back("the connection was dialed here:");
    f.evidence.insert(f.evidence.end(), c.dial_stack.begin() + 1, c.dial_stack.end());  // own heading
  }
  f.severity = f.seconds_lost >= 10 ? Severity::Error : Severity::Warning;
  return f;
}

void NetworkWait::connect_finding(const Conn& c, int o, Words& w, Finding& f) const {
  ConnectSeen seen = o == kOpen && c.kernel_connect ? kKernel : c.connect_blocking ? kBlocking : kPolled;
  w.at_least = seen == kKernel ? "at least " : "";
  w.gives_up = seen == kBlocking ? "a blocking connect gives up only when the kernel does (about 2 min, "
                                   "net.ipv4.tcp_syn_retries)"
                                 : "cmd/go gives up after 30 s";
  w.retransmits = c.kernel.retransmits;
  w.apply(kConnect[seen], Outcome(o), f);
  f.tries = {fmt::format("check the route and firewall to {} (`nc -vz {} {}`)", c.peer, host_of(c.peer), c.port),
             "if the network needs a proxy, set HTTPS_PROXY; or point GOPROXY at a reachable proxy"};
}

void NetworkWait::dns_finding(const Conn& c, int o, Words& w, Finding& f) const {
  w.query = c.dns_query;
  w.apply(kDns, Outcome(o), f);
  f.tries = {"check the nameservers in /etc/resolv.conf (`getent hosts " + c.dns_query + "`)",
             "GODEBUG=netdns=go+2 shows Go's resolver decisions; GODEBUG=netdns=cgo uses the C "
             "library's resolver instead"};
}

void NetworkWait::body_finding(const Conn& c, int o, Words& w, Finding& f) const {
  // Its own socket text: a body is always TCP.
  w.sock = fmt::format("fd {} TCP -> {}", c.fd, c.peer);
  w.what = c.fetching.empty() ? "the response" : "the response for " + c.fetching;
  w.read = c.read;
  bool proxy = w.who.rfind("module proxy", 0) == 0 || w.who.rfind("checksum", 0) == 0;
  w.no_timeout = proxy ? "; cmd/go sets no response timeout, so this will not end by itself" : "";
  w.apply(kBody, Outcome(o), f);
  f.evidence.push_back(fmt::format("cmd/go's {} holds {} bytes, unchanged since that data", c.body_file, c.body_size));
  f.tries = {fmt::format("check the server at {}", c.peer),
             "GOPROXY=https://proxy.golang.org,direct lets cmd/go fall back to the next source",
             "`go mod download -x` prints each request and its time"};
}

void NetworkWait::response_finding(const Conn& c, int o, Words& w, Finding& f) const {
  const bool open = o == kOpen;
  const OpenFd& k = c.kernel;
  w.written = c.written;
  w.last_bytes = std::to_string(c.last_write_bytes);
  w.unacked = k.unacked ? fmt::format(", {} segments unacknowledged", k.unacked) : ", all acknowledged by the peer";
  w.received = c.read ? "nothing received since" : "nothing received yet";
  w.resent = k.retransmits ? fmt::format(", {} segments retransmitted", k.retransmits) : "";
  w.read_since = c.last_read == kNever ? "nothing read yet" : "no read since";
  w.read_after = c.last_read == kNever ? "nothing ever read" : "nothing read after it";
  f.evidence.push_back(w.say(kLastSent[o][c.kernel_write ? 1 : 0]));
  if (open && !c.same_tick.empty())
    f.evidence.push_back("its last data sent and received fall in one kernel clock tick; the send is the "
                         "request still unanswered: " + c.same_tick);
  w.after = c.request.empty() ? "" : " after `" + c.request + "`";
  // The request was not seen: name the download from the module cache files held now
  // (only while the wait lasts: once it is over they may be another download's).
  if (w.after.empty() && open)
    if (std::string what = c.fetching.empty() ? fetching(c.pid) : c.fetching; !what.empty())
      w.after = " while fetching " + what;
  if (c.tls && c.last_read < c.first_write) {
    w.apply(kHandshake, Outcome(o), f);
    if (c.tls_inferred)
      f.evidence.push_back("the handshake is inferred: its peer speaks TLS (" + std::string(c.port == 443 ? "port 443" : "an https URL names it") +
                           ") and has not sent one byte back; the ClientHello went out before gotrace saw the connection");
    f.tries = {fmt::format("test the server: `openssl s_client -connect {} -servername {}`", c.peer,
                           c.host.empty() ? host_of(c.peer) : c.host),
               "a middlebox or proxy may swallow TLS: set HTTPS_PROXY if the network requires one"};
  } else if (std::string tc = toolchain_download(c.request.empty() ? w.after : c.request); !tc.empty()) {
    // Named for what the user asked for: a Go version, not a module.
    w.what = fmt::format("downloading the Go toolchain {} (go.mod asks for it, GOTOOLCHAIN=auto)", tc);
    w.apply(kToolchain, Outcome(o), f);
    f.tries = {fmt::format("the go or toolchain line of go.mod needs {}: install it, or set GOTOOLCHAIN=local "
                           "(or GOTOOLCHAIN={}+path with that Go on PATH) to skip the download", tc, tc),
               fmt::format("check the server at {}; the toolchain zip is tens of MB", c.peer)};
  } else {
    bool proxy = w.who.rfind("module proxy", 0) == 0 || w.who.rfind("checksum", 0) == 0;
    w.no_timeout = proxy ? "; cmd/go sets no response timeout, so this will not end by itself" : "";
    w.apply(kResponse, Outcome(o), f);
    f.tries = {fmt::format("check the server at {}", c.peer)};
    const std::string cmd = table_.command(c.pid);
    if (proxy || cmd == "go" || cmd.rfind("go ", 0) == 0) {  // the go command's own levers
      f.tries.push_back("GOPROXY=https://proxy.golang.org,direct lets cmd/go fall back to the next source");
      f.tries.push_back("`go mod download -x` prints each request and its time; GOPRIVATE / GONOSUMDB / "
                        "GOSUMDB=off for private modules");
    }
  }
}

std::vector<Finding> NetworkWait::findings() const {
  std::vector<Finding> out;
  Nanos now = table_.now();
  for (const auto& [key, c] : open_)
    if (waited(c, now) >= threshold_) out.push_back(wait_finding(c, now));
  // Waits that are over: no answer before the socket went away, or an answer that came late.
  for (const auto& [key, e] : ended_) {
    Finding f = e.worst;
    if (e.count > 1) f.evidence.push_back(fmt::format("{} such waits in all; the longest is shown", e.count));
    out.push_back(std::move(f));
  }
  // Connections refused or unreachable, open or closed.
  std::map<std::string, std::pair<int, int>> refused;  // peer -> count, errno
  auto note = [&](const Conn& c) {
    if (c.connect_error) {
      auto& [n, err] = refused[c.peer + "|" + std::to_string(c.pid)];
      ++n;
      err = c.connect_error;
    }
  };
  for (const auto& [key, c] : open_) note(c);
  for (const Conn& c : closed_) note(c);
  for (const auto& [key, v] : refused) {
    const auto& [n, err] = v;
    std::string peer = key.substr(0, key.find('|'));
    int32_t pid = std::atoi(key.c_str() + key.find('|') + 1);
    Conn probe;
    probe.pid = pid;
    probe.peer = peer;
    probe.port = std::atoi(peer.c_str() + peer.rfind(':') + 1);
    Finding f;
    f.severity = Severity::Warning;
    f.kind = "tcp_connect_failed";
    f.pid = pid;
    f.verdict = fmt::format("{}: connecting to {} failed {}x with {} ({})", table_.command(pid),
                            role(probe), n, format::errno_name(err), format::errno_text(err));
    f.evidence.push_back("the error comes from getsockopt(SO_ERROR) after a non-blocking connect");
    f.tries = {fmt::format("is anything listening at {}? (`nc -vz {} {}`)", peer, host_of(peer), probe.port)};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace gotrace::analyzers
