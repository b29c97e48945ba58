// Where the time went. See time_account.h.
#include "time_account.h"

#include <fmt/format.h>

#include <sys/random.h>

#include <algorithm>
#include <map>

namespace gotrace::analyzers {
namespace {

using Phase = NetworkWait::Phase;

// Durations down to a tenth of a millisecond: a local connect takes less than one.
std::string span_text(Nanos d) {
  double ms = static_cast<double>(d.count()) / 1e6;
  if (ms < 10) return fmt::format("{:.1f} ms", ms);
  return seconds_text(d);
}

std::string rate_text(uint64_t bytes, Nanos d) {
  double s = static_cast<double>(d.count()) / 1e9;
  if (s <= 0) return "";
  double r = static_cast<double>(bytes) / s;
  if (r < 10'000) return fmt::format("{:.0f} B/s", r);
  if (r < 10'000'000) return fmt::format("{:.0f} kB/s", r / 1e3);
  return fmt::format("{:.0f} MB/s", r / 1e6);
}

// What a module proxy request asks for: "GET /x/@v/v1.0.0.zip" -> ".zip", "/@v/list" ->
// "list", "/@latest" -> "@latest"; "" when not a proxy request (or not seen).
std::string request_kind(const std::string& request) {
  for (const char* ext : {".zip", ".mod", ".info"})  // a module cache name: "x@v1.0.0 (.zip)"
    if (request.ends_with(std::string(" (") + ext + ")")) return ext;
  std::string t = request.substr(0, request.find('?'));
  if (t.ends_with("/@v/list")) return "list";
  if (t.ends_with("/@latest")) return "@latest";
  if (t.find("/@v/") == std::string::npos) return "";
  for (const char* ext : {".zip", ".mod", ".info"})
    if (t.ends_with(ext)) return ext;
  return "";
}

std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string joined(const std::vector<std::string>& v, std::size_t max = 3) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < max; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max) out += fmt::format(" and {} more", v.size() - max);
  return out;
}

// "GET /github.com/x/y/@v/v1.0.0.zip" -> "github.com/x/y@v1.0.0 (.zip)"; a module cache name
// ("github.com/x/y@v1.0.0 (.zip)") as it is; any other request as it is.
std::string download_name(const std::string& what) {
  std::string t = what.rfind("GET /", 0) == 0 ? what.substr(5) : what;
  auto at = t.find("/@v/");
  if (what.rfind("GET /", 0) != 0 || at == std::string::npos) return what;
  std::string file = t.substr(at + 4);
  std::string kind = request_kind(what);
  std::string version = kind.empty() || kind == "list" ? file : file.substr(0, file.size() - kind.size());
  return t.substr(0, at) + "@" + version + (kind.empty() || kind == "list" ? "" : " (" + kind + ")");
}

// One group in the words of the account line: "first byte 180 ms (17 requests, longest 40 ms)".
std::string group_text(const TimeAccount::Group& g) {
  std::string many = g.count > 1 ? fmt::format(", longest {}", span_text(g.longest)) : "";
  switch (g.phase) {
    case Phase::Dns:
      return fmt::format("DNS {} ({} {}{}{})", span_text(g.total), g.count, g.count == 1 ? "answer" : "answers",
                         many, g.what.empty() ? "" : ": " + joined(g.what));
    case Phase::Connect:
      return fmt::format("connect {} ({}{})", span_text(g.total), g.count, many);
    case Phase::Tls:
      return fmt::format("TLS handshake {} ({}{})", span_text(g.total), g.count, many);
    case Phase::FirstByte:
      return fmt::format("waiting for answers {} ({} {}{})", span_text(g.total), g.count,
                         g.count == 1 ? "request" : "requests", many);
    case Phase::Receive:
      return fmt::format("receiving {} in {}{}", bytes_text(g.bytes), span_text(g.total),
                         g.total.count() > 0 ? " (" + rate_text(g.bytes, g.total) + ")" : "");
  }
  return "";
}

// The same group in the words of a slow run's verdict: "12.0 s waiting for module proxy X
// to start answering (3 requests, 4.0 s each)".
std::string verdict_part(const TimeAccount::Group& g) {
  Nanos each = g.count ? g.sum / g.count : Nanos{0};
  std::string n = g.count > 1          ? fmt::format("{} requests, {} each", g.count, seconds_text(each))
                  : g.first.empty() ? "1 request"
                                    : "1 request, for " + download_name(g.first);
  switch (g.phase) {
    case Phase::Dns:
      return fmt::format("{} waiting for DNS answers from {{who}} ({})", seconds_text(g.total), joined(g.what));
    case Phase::Connect:
      return fmt::format("{} connecting to {{who}} ({} connects)", seconds_text(g.total), g.count);
    case Phase::Tls:
      return fmt::format("{} in TLS handshakes with {{who}} ({})", seconds_text(g.total), g.count);
    case Phase::FirstByte:
      return fmt::format("{} waiting for {{who}} to start answering ({})", seconds_text(g.total), n);
    case Phase::Receive:
      break;  // named one transfer at a time
  }
  return "";
}

}  // namespace

Nanos union_of(std::vector<std::pair<Nanos, Nanos>> v) {
  std::sort(v.begin(), v.end());
  Nanos total{0}, end = NetworkWait::kNever;
  for (const auto& [from, to] : v) {
    if (to <= end) continue;
    total += to - std::max(from, end);
    end = to;
  }
  return total;
}

std::vector<TimeAccount::Group> TimeAccount::groups(const std::vector<Item>& items, Nanos min) {
  std::map<std::pair<std::string, Phase>, std::vector<const NetworkWait::Span*>> by;
  for (const Item& it : items)
    if (it.span->to - it.span->from >= min) by[{*it.who, it.span->phase}].push_back(it.span);
  std::vector<Group> out;
  for (const auto& [key, spans] : by) {
    Group g;
    g.who = key.first;
    g.phase = key.second;
    std::vector<std::pair<Nanos, Nanos>> iv;
    for (const NetworkWait::Span* s : spans) {
      if (g.count == 0) g.first = s->what;
      ++g.count;
      g.longest = std::max(g.longest, s->to - s->from);
      g.sum += s->to - s->from;
      g.bytes += s->bytes;
      iv.emplace_back(s->from, s->to);
      std::string w = g.phase == Phase::Dns ? s->what : request_kind(s->what);
      if (!w.empty() && std::find(g.what.begin(), g.what.end(), w) == g.what.end()) g.what.push_back(w);
    }
    g.total = union_of(std::move(iv));
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const Group& a, const Group& b) { return a.total > b.total; });
  return out;
}

namespace {
std::vector<TimeAccount::Item> items_of(const std::vector<NetworkWait::PeerSpans>& peers, Nanos& network) {
  std::vector<TimeAccount::Item> out;
  std::vector<std::pair<Nanos, Nanos>> all;
  for (const NetworkWait::PeerSpans& p : peers)
    for (const NetworkWait::Span& s : p.spans) {
      out.push_back({&p.who, &s});
      all.emplace_back(s.from, s.to);
    }
  network = union_of(std::move(all));
  return out;
}
}  // namespace

TimeAccount::WaitKind TimeAccount::kind_of(const SyscallEnter& c) {
  if (waits_for_lock(c.sysno, c.arg(1))) return WaitKind::Lock;
  if (c.sysno == SysNo::getrandom && (c.arg(2) & GRND_NONBLOCK) == 0) return WaitKind::Getrandom;
  return WaitKind::None;
}

void TimeAccount::on_event(const Event& e) {
  const Usage* u = nullptr;
  if (const auto* t = std::get_if<Tick>(&e.body)) u = &t->usage;
  if (const auto* end = std::get_if<TraceEnd>(&e.body)) u = &end->usage;
  if (u) {
    usage_.cpu_ns += u->cpu_ns;
    usage_.disk_read += u->disk_read;
    usage_.disk_written += u->disk_written;
    return;
  }
  if (const auto* in = std::get_if<SyscallEnter>(&e.body)) {
    if (kind_of(*in) != WaitKind::None) entered_[raw(e.tid)] = e.ts;
  } else if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
    if (entered_.empty()) return;  // the common case: no lock or getrandom wait in flight
    auto it = entered_.find(raw(e.tid));
    if (it == entered_.end()) return;
    SyscallEnter as_entered;
    as_entered.sysno = x->sysno;
    as_entered.args = x->args;
    if (WaitKind k = kind_of(as_entered); k != WaitKind::None) waits_.push_back({k, {it->second, e.ts}});
    entered_.erase(it);
  }
}

std::string TimeAccount::other_waits() const {
  std::map<WaitKind, std::vector<std::pair<Nanos, Nanos>>> iv;
  for (const auto& [k, span] : waits_) iv[k].push_back(span);
  for (const EndedCall& c : table_.ended_unseen())  // known from /proc
    if (WaitKind k = kind_of(c.call.call); k != WaitKind::None) iv[k].emplace_back(c.call.entered, c.ended);
  for (const auto& [tid, c] : table_.all_in_flight())  // still waiting
    if (WaitKind k = kind_of(c.call); k != WaitKind::None) iv[k].emplace_back(c.entered, table_.now());
  std::string out;
  // CPU first: a build is mostly that.
  if (const Nanos run = table_.now(); usage_.cpu_ns >= 10'000'000 && run > Nanos{0})
    out += fmt::format("; CPU {} ({:.1f} CPUs on average)", span_text(Nanos(usage_.cpu_ns)),
                       static_cast<double>(usage_.cpu_ns) / static_cast<double>(run.count()));
  if (usage_.disk_read + usage_.disk_written >= 1'000'000)
    out += fmt::format("; storage {} read, {} written", bytes_text(usage_.disk_read), bytes_text(usage_.disk_written));
  for (const auto& [k, spans] : iv) {
    Nanos total = union_of(spans);
    if (total < std::chrono::milliseconds(10)) continue;  // calls that returned at once
    const std::size_t n = spans.size();
    out += k == WaitKind::Lock ? fmt::format("; file lock waits {} ({})", span_text(total), n)
                               : fmt::format("; getrandom {} ({} {})", span_text(total), n, n == 1 ? "call" : "calls");
  }
  return out;
}

std::vector<std::pair<std::string, std::pair<Nanos, Nanos>>> TimeAccount::child_lives() const {
  std::vector<std::pair<std::string, std::pair<Nanos, Nanos>>> out;
  for (const auto& [pid, p] : table_.processes())
    if (pid != table_.root_pid() && !p.argv.empty())
      out.push_back({basename(p.argv[0]), {p.started, p.exited ? p.ended : table_.now()}});
  return out;
}

std::vector<std::string> TimeAccount::lines() const {
  Nanos network{0};
  const std::vector<NetworkWait::PeerSpans> peers_spans = net_.spans(table_.now());
  std::vector<Group> gs = groups(items_of(peers_spans, network));
  // Child processes by command: how many, and the union of their lifetimes.
  std::map<std::string, std::pair<int, std::vector<std::pair<Nanos, Nanos>>>> children;
  std::vector<std::pair<Nanos, Nanos>> all_children;
  for (const auto& [name, life] : child_lives()) {
    auto& [n, iv] = children[name];
    ++n;
    iv.push_back(life);
    all_children.push_back(life);
  }
  const std::string others = other_waits();
  if (peers_spans.empty() && children.empty() && others.empty()) return {};
  std::vector<std::string> out;
  out.push_back(fmt::format("  time: {} in all; network {}; child processes {}{}", span_text(table_.now()),
                            peers_spans.empty() ? "none seen" : span_text(network),
                            children.empty() ? "none" : span_text(union_of(all_children)), others));
  // Per peer: its connections and the bytes they received, then its phases in the order a
  // connection goes through them.
  std::map<std::string, std::vector<const Group*>> peers;
  std::map<std::string, std::pair<int, uint64_t>> conns;  // who -> connections, bytes received
  std::vector<std::string> order;  // peers, the one with the largest phase first
  for (const Group& g : gs) {
    if (!peers.count(g.who)) order.push_back(g.who);
    peers[g.who].push_back(&g);
  }
  for (const NetworkWait::PeerSpans& p : peers_spans) {
    auto& [n, bytes] = conns[p.who];
    ++n;
    bytes += p.received;
    if (!peers.count(p.who)) {
      order.push_back(p.who);
      peers[p.who];
    }
  }
  for (std::size_t i = 0; i < order.size() && i < 5; ++i) {
    auto& v = peers[order[i]];
    std::sort(v.begin(), v.end(), [](const Group* a, const Group* b) { return a->phase < b->phase; });
    const auto& [n, bytes] = conns[order[i]];
    bool dns = !v.empty() && v.front()->phase == Phase::Dns;
    std::string text = dns ? "" : fmt::format("{} {}, {} received", n, n == 1 ? "connection" : "connections",
                                              bytes_text(bytes));
    for (const Group* g : v)  // (a receive of no measurable length is in the bytes above)
      if (g->phase != Phase::Receive || g->total >= std::chrono::milliseconds(1))
        text += (text.empty() ? "" : "; ") + group_text(*g);
    out.push_back(fmt::format("    {}: {}", order[i], text));
  }
  if (order.size() > 5) out.push_back(fmt::format("    ... and {} more peers", order.size() - 5));
  std::vector<std::pair<Nanos, std::string>> kids;
  for (auto& [name, v] : children) {
    auto& [n, iv] = v;
    kids.emplace_back(union_of(iv), fmt::format("{} {} ({})", name, span_text(union_of(iv)), n));
  }
  std::stable_sort(kids.begin(), kids.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> names;
  for (const auto& k : kids) names.push_back(k.second);
  if (!names.empty()) out.push_back("    processes: " + joined(names, 8));
  return out;
}

std::optional<Finding> TimeAccount::slow_run() const {
  Nanos run = table_.now();
  if (run < kSlowRun) return std::nullopt;
  Nanos network{0};
  const std::vector<NetworkWait::PeerSpans> peers_spans = net_.spans(table_.now());
  const std::vector<Item> items = items_of(peers_spans, network);
  // The network is the story when it covers half the run, or a quarter of it and more
  // than anything else the run is known to have spent (CPU, child processes): what is left
  // is time no one measured, which on a loaded machine is mostly the traced threads waiting
  // for a CPU after each ptrace stop. A 46 s download with 20 s of waits for the proxy and
  // 2.6 s of CPU is slowed by the proxy, though the machine stretched the rest.
  if (network * 2 < run) {
    std::vector<std::pair<Nanos, Nanos>> kids;
    for (const auto& [name, life] : child_lives()) kids.push_back(life);
    if (network * 4 < run || network < Nanos(usage_.cpu_ns) || network < union_of(std::move(kids)))
      return std::nullopt;
  }
  // The verdict names the long waits, by peer and phase, and the slow transfers one by
  // one; the many short exchanges of a healthy download are in the account lines.
  struct Part {
    Nanos took;
    std::string who, text;  // `text` names the peer as "{who}"
  };
  std::vector<Part> parts;
  // The waits of a peer and phase that are long against its longest (a quarter of it, and
  // kLong at least): "3 requests, 4.0 s each", not a 0.6 s one more under load.
  std::map<std::pair<std::string, Phase>, Nanos> longest;
  for (const Group& g : groups(items, kLong)) longest[{g.who, g.phase}] = g.longest;
  std::vector<Item> long_waits;
  for (const Item& it : items)
    if (auto l = longest.find({*it.who, it.span->phase});
        l != longest.end() && it.span->to - it.span->from >= std::max(kLong, l->second / 4))
      long_waits.push_back(it);
  for (const Group& g : groups(long_waits))
    if (g.phase != Phase::Receive) parts.push_back({g.total, g.who, verdict_part(g)});
  for (const Item& it : items) {
    const NetworkWait::Span& sp = *it.span;
    Nanos took = sp.to - sp.from;
    if (sp.phase != Phase::Receive || took < kLong) continue;
    std::string of = sp.what.empty() ? "" : " of " + download_name(sp.what);
    parts.push_back({took, *it.who,
                     fmt::format("{} receiving {}{} from {{who}} ({})", seconds_text(took), bytes_text(sp.bytes), of,
                                 rate_text(sp.bytes, took))});
  }
  if (parts.empty()) return std::nullopt;
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.took > b.took; });
  std::string text;
  for (std::size_t i = 0; i < parts.size() && i < 3 && parts[i].took * 10 >= network; ++i) {
    // The peer named once: "... from it" when the previous part named it already.
    std::string who = i > 0 && parts[i].who == parts[i - 1].who ? "it" : parts[i].who;
    std::string t = parts[i].text;  // (not fmt: a request may hold braces)
    if (auto at = t.find("{who}"); at != std::string::npos) t.replace(at, 5, who);
    text += (i ? ", " : "") + t;
  }
  Finding f;
  f.severity = Severity::Warning;
  f.kind = "slow_network";
  f.pid = table_.root_pid();
  f.seconds_lost = static_cast<double>(network.count()) / 1e9;
  f.verdict = fmt::format("{} took {}: {}", table_.command(f.pid), seconds_text(run), text);
  f.evidence.push_back(fmt::format("network phases cover {} of the run's {} (overlaps counted once)",
                                   seconds_text(network), seconds_text(run)));
  std::vector<Group> gs = groups(items);
  for (std::size_t i = 0; i < gs.size() && i < 6; ++i) f.evidence.push_back(gs[i].who + ": " + group_text(gs[i]));
  f.tries = {"`go mod download -x` (or `go build -x`) prints each request with its time",
             "check the module proxy's health and bandwidth; GOPROXY=https://proxy.golang.org,direct "
             "lets cmd/go fall back to the next source when one fails"};
  return f;
}

}  // namespace gotrace::analyzers
