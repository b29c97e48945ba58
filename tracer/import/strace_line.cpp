// Taking strace log lines apart. See strace_line.h. Every scan is bounded by the line;
// anything unexpected yields LineKind::Unparsed, never an exception.
#include "strace_line.h"

#include <array>
#include <unordered_map>

#include "strace_lex.h"
#include "strace_names.h"

namespace gotrace::record::strace {
namespace {

using namespace lex;

// "= ret [ERRNO (text)] [(note)]" after the argument list, with -T's "<secs>" at the end.
bool parse_result(sv rest, ParsedLine& p) {
  rest = trim(rest);
  if (rest.ends_with('>')) {
    std::size_t lt = rest.rfind(" <");
    if (lt != sv::npos) {
      sv inner = rest.substr(lt + 2, rest.size() - lt - 3);
      if (inner == "unavailable") {
        p.ret_unavailable = true;
        rest = trim(rest.substr(0, lt));
      } else if (parse_seconds(inner, p.dur_ns)) {
        p.has_dur = true;
        rest = trim(rest.substr(0, lt));
      }
    }
  }
  if (!consume(rest, "=")) return false;
  rest = trim(rest);
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != ' ' && rest[end] != '<') ++end;
  sv value = rest.substr(0, end);
  rest.remove_prefix(end);
  if (value != "?") {
    if (!parse_int(value, p.ret)) return false;
    p.has_ret = true;
    if (!rest.empty() && rest.front() == '<') {  // -y: "= 3</etc/passwd>"
      std::size_t close = annotation_end(rest, 0);
      if (close == sv::npos) return false;
      p.ret_note = rest.substr(1, close - 2);
      rest.remove_prefix(close);
    }
  }
  rest = trim(rest);
  if (!rest.empty() && rest.front() == 'E' && (p.ret == -1 || !p.has_ret)) {
    sv name = rest.substr(0, rest.find(' '));
    auto err = errno_from_name(name);
    if (!err) return false;  // an errno strace knows and we do not: say so, do not guess
    p.ret = -*err;
    p.has_ret = true;
  }
  return true;
}

void parse_body(sv body, ParsedLine& p) {
  if (consume(body, "<... ")) {
    std::size_t r = body.find(" resumed>");
    if (r == sv::npos) return;
    p.name = body.substr(0, r);
    sv rest = body.substr(r + 9);
    if (rest.ends_with("<unfinished ...>") || rest.ends_with("<detached ...>")) return;
    std::size_t close = find_close(rest);
    if (close == sv::npos) return;
    p.args = rest.substr(0, close);
    if (parse_result(rest.substr(close + 1), p)) p.kind = LineKind::Resumed;
    return;
  }
  if (consume(body, "--- ")) {
    if (!body.ends_with(" ---")) return;
    body.remove_suffix(4);
    bool stop = consume(body, "stopped by ");
    sv name = body.substr(0, body.find(' '));
    auto sig = signal_from_name(name);
    if (!sig) return;
    p.signo = *sig;
    std::size_t lb = body.find('{');
    if (lb != sv::npos && body.ends_with('}')) p.sig_info = body.substr(lb + 1, body.size() - lb - 2);
    p.kind = stop ? LineKind::GroupStop : LineKind::Signal;
    return;
  }
  if (consume(body, "+++ ")) {
    if (!body.ends_with(" +++")) return;
    body.remove_suffix(4);
    int64_t n = 0;
    if (consume(body, "exited with ")) {
      if (parse_int(body, n) && n >= 0 && n <= 255) {
        p.exit_code = static_cast<int>(n);
        p.kind = LineKind::Exited;
      }
    } else if (consume(body, "killed by ")) {
      p.core_dumped = body.ends_with(" (core dumped)");
      if (p.core_dumped) body.remove_suffix(14);
      if (auto sig = signal_from_name(body)) {
        p.signo = *sig;
        p.kind = LineKind::Killed;
      }
    } else if (consume(body, "superseded by execve in pid ")) {
      if (parse_int(body, n) && n > 0 && n <= INT32_MAX) {
        p.other_pid = static_cast<int32_t>(n);
        p.kind = LineKind::Superseded;
      }
    }
    return;
  }
  std::size_t paren = body.find('(');
  if (paren == 0 || paren == sv::npos) return;
  for (std::size_t i = 0; i < paren; ++i)
    if (!is_ident(body[i])) return;
  p.name = body.substr(0, paren);
  sv rest = body.substr(paren + 1);
  for (sv tail : {sv(" <unfinished ...>"), sv(" <detached ...>")}) {
    if (rest.ends_with(tail) || rest == tail.substr(1)) {
      rest = rest.substr(0, rest.size() >= tail.size() ? rest.size() - tail.size() : 0);
      p.args = rest;
      p.kind = LineKind::Unfinished;
      return;
    }
  }
  std::size_t close = find_close(rest);
  if (close == sv::npos) return;
  p.args = rest.substr(0, close);
  if (parse_result(rest.substr(close + 1), p)) p.kind = LineKind::Call;
}

bool is_summary_line(sv t, bool summary_seen) {
  if (t.starts_with("% time") || t.starts_with("System call usage summary")) return true;
  if (t.find_first_not_of("- ") == sv::npos) return true;
  if (!summary_seen) return false;
  // "  0.80    0.000036          36         1         1 clock_nanosleep" / "100.00 ... total"
  std::array<sv, 8> cols{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < t.size() && n < cols.size();) {
    while (i < t.size() && t[i] == ' ') ++i;
    std::size_t j = t.find(' ', i);
    if (j == sv::npos) j = t.size();
    if (j > i) cols[n++] = t.substr(i, j - i);
    i = j;
  }
  if (n < 5) return false;
  int64_t ns = 0;
  return parse_seconds(cols[0], ns) && parse_seconds(cols[1], ns);
}

}  // namespace

ParsedLine parse_line(sv line, bool summary_seen) {
  ParsedLine p;
  sv t = trim(line);
  if (t.empty()) {
    p.kind = LineKind::Blank;
    return p;
  }
  if (consume(t, "strace: ")) {
    p.kind = LineKind::Note;
    int64_t n = 0;
    if (consume(t, "Process ")) {
      sv num = t.substr(0, t.find(' '));
      sv what = t.substr(num.size());
      if (parse_int(num, n) && n > 0 && n <= INT32_MAX) {
        p.other_pid = static_cast<int32_t>(n);
        if (what.starts_with(" attached")) p.kind = LineKind::Attached;
        if (what.starts_with(" detached")) p.kind = LineKind::Detached;
      }
    }
    return p;
  }
  if (is_summary_line(t, summary_seen)) {
    p.kind = LineKind::Summary;
    return p;
  }
  if (t.starts_with("[ Process PID=")) {
    p.kind = LineKind::Note;
    return p;
  }
  // Pid prefix: "[pid  123] " (strace to a terminal) or "123   " (strace -f -o).
  if (consume(t, "[pid ")) {
    t = trim(t);
    std::size_t rb = t.find(']');
    int64_t n = 0;
    if (rb == sv::npos || !parse_int(t.substr(0, rb), n) || n <= 0 || n > INT32_MAX) return p;
    p.pid = static_cast<int32_t>(n);
    t = trim(t.substr(rb + 1));
  } else if (is_digit(t.front())) {
    std::size_t i = 0;
    while (i < t.size() && is_digit(t[i])) ++i;
    int64_t n = 0;
    if (i < t.size() && t[i] == ' ' && i <= 10 && parse_int(t.substr(0, i), n) && n > 0 && n <= INT32_MAX) {
      p.pid = static_cast<int32_t>(n);
      t = trim(t.substr(i));
    }
  }
  // Timestamp: "HH:MM:SS[.frac]" (-t, -tt) or "SECS.frac" (-ttt).
  if (!t.empty() && is_digit(t.front())) {
    std::size_t sp = t.find(' ');
    sv stamp = t.substr(0, sp);
    if (stamp.size() >= 8 && stamp[2] == ':' && stamp[5] == ':') {
      int64_t s = 0;
      for (std::size_t i : {0, 1, 3, 4})
        if (!is_digit(stamp[i])) return p;
      int64_t h = (stamp[0] - '0') * 10 + (stamp[1] - '0');
      int64_t m = (stamp[3] - '0') * 10 + (stamp[4] - '0');
      if (!parse_seconds(stamp.substr(6), s) || h > 23 || m > 59 || s >= 61'000'000'000) return p;
      p.time_kind = TimeKind::TimeOfDay;
      p.time_ns = (h * 3600 + m * 60) * 1'000'000'000 + s;
    } else if (stamp.find('.') != sv::npos && parse_seconds(stamp, p.time_ns)) {
      p.time_kind = TimeKind::Epoch;
    } else {
      return p;
    }
    t = trim(t.substr(stamp.size()));
  }
  parse_body(t, p);
  return p;
}

bool resolve_syscall(sv name, SysNo& sysno, int32_t& number) {
  // sysno_from_name scans the table; a log has a name on every line.
  static const std::unordered_map<sv, SysNo> by_name = [] {
    std::unordered_map<sv, SysNo> m;
    for (const SyscallInfo& info : all_syscalls()) m.emplace(info.name, *sysno_from_name(info.name));
    return m;
  }();
  if (auto it = by_name.find(name); it != by_name.end()) {
    sysno = it->second;
    number = syscall_number(kHostArch, sysno);
    return true;
  }
  int64_t n = 0;
  if (consume(name, "syscall_") && parse_int(name, n) && n >= 0 && n < 100000) {
    sysno = sysno_from_number(kHostArch, n);
    number = static_cast<int32_t>(n);
    return true;
  }
  return false;
}

void unescape(sv q, std::string& out) {
  for (std::size_t i = 0; i < q.size(); ++i) {
    char c = q[i];
    if (c != '\\' || i + 1 == q.size()) {
      out += c;
      continue;
    }
    char e = q[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'v': out += '\v'; break;
      case 'f': out += '\f'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'x': {
        int v = 0, k = 0;
        while (k < 2 && i + 1 < q.size() && std::isxdigit(static_cast<unsigned char>(q[i + 1]))) {
          char h = q[++i];
          v = v * 16 + (is_digit(h) ? h - '0' : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10));
          ++k;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', k = 1;
          while (k < 3 && i + 1 < q.size() && q[i + 1] >= '0' && q[i + 1] <= '7') {
            v = v * 8 + (q[++i] - '0');
            ++k;
          }
          out += static_cast<char>(v & 0xff);
        } else {
          out += e;  // \" \\ and anything else: the character itself
        }
    }
  }
}

int64_t info_field(sv info, sv key, int64_t fallback) {
  for (std::size_t at = info.find(key); at != sv::npos; at = info.find(key, at + 1)) {
    if ((at > 0 && is_ident(info[at - 1])) || at + key.size() >= info.size() || info[at + key.size()] != '=')
      continue;
    sv v = info.substr(at + key.size() + 1);
    v = v.substr(0, v.find_first_of(",}"));
    v = trim(v);
    int64_t n = 0;
    if (parse_int(v, n)) return n;
    if (auto c = constant_from_name(v)) return *c;
    return fallback;
  }
  return fallback;
}

}  // namespace gotrace::record::strace
