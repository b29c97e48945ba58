// strace argument text -> Arg values, best effort (see parse_args in strace_line.h).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>

#include "strace_lex.h"
#include "strace_line.h"
#include "strace_names.h"

namespace gotrace::record::strace {
namespace {

using namespace lex;

bool wants_string(ArgKind k, bool at_exit) {
  return k == ArgKind::Path || k == ArgKind::BufIn || (k == ArgKind::BufOut && at_exit);
}

// A quoted string at the start of s: unescaped into `out`; returns the rest after it, with
// `truncated` set when strace cut it at -s ("..."). False when s is not a string.
bool take_string(sv& s, std::string* out, bool& truncated) {
  if (s.empty() || s.front() != '"') return false;
  std::size_t end = skip_atom(s, 0);
  if (end < 2 || s[end - 1] != '"') return false;
  if (out) unescape(s.substr(1, end - 2), *out);
  s.remove_prefix(end);
  truncated = consume(s, "...");
  return true;
}

// ["a", "b", ...] -> "a\0b\0"; state Truncated when strace elided elements or bytes.
void take_string_list(sv s, Arg& a) {
  s.remove_prefix(1);
  bool any_truncated = false;
  while (true) {
    s = trim(s);
    bool truncated = false;
    if (take_string(s, &a.data, truncated)) {
      a.data += '\0';
      any_truncated |= truncated;
    } else if (consume(s, "...")) {
      any_truncated = true;
    } else {
      break;
    }
    s = trim(s);
    if (!consume(s, ",")) break;
  }
  a.state = any_truncated ? ArgState::Truncated : ArgState::Captured;
}

// NAME|NAME|0x10, 512*1024, or a number -> value; false when no part was understood.
bool take_value(sv& s, uint64_t& value) {
  bool any = false, multiply = false;
  value = 0;
  while (!s.empty()) {
    std::size_t n = 0;
    while (n < s.size() && (is_ident(s[n]) || (n == 0 && s[n] == '-'))) ++n;
    if (n == 0) break;
    sv tok = s.substr(0, n);
    int64_t v = 0;
    bool known = parse_int(tok, v);
    if (!known) {
      auto c = constant_from_name(tok);
      known = c.has_value();
      v = c.value_or(0);
    }
    if (known) {
      value = multiply ? value * static_cast<uint64_t>(v) : value | static_cast<uint64_t>(v);
      any = true;
    }
    s.remove_prefix(n);
    multiply = consume(s, "*");
    if (!multiply && !consume(s, "|")) break;
  }
  return any;
}

uint64_t value_of(sv s) {
  uint64_t v = 0;
  take_value(s, v);
  return v;
}

template <typename T>
void append_raw(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// "{key=value, ...}" -> the text after "key=" (top level), or empty.
sv field(sv s, sv key) {
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return {};
  std::array<sv, 12> pieces{};
  std::size_t n = split_args(s.substr(1, s.size() - 2), pieces);
  for (std::size_t i = 0; i < n; ++i)
    if (pieces[i].size() > key.size() && pieces[i].starts_with(key) && pieces[i][key.size()] == '=')
      return pieces[i].substr(key.size() + 1);
  return {};
}

// The quoted string inside, e.g. inet_addr("127.0.0.1") -> 127.0.0.1 (unescaped).
std::string quoted_inside(sv s) {
  std::string out;
  std::size_t q = s.find('"');
  if (q == sv::npos) return out;
  s.remove_prefix(q);
  bool truncated = false;
  take_string(s, &out, truncated);
  return out;
}

uint16_t port_of(sv s) {  // "htons(443)"
  consume(s, "htons(");
  return htons(static_cast<uint16_t>(value_of(s)));
}

// strace's sockaddr -> the struct's bytes (sockaddr_in / sockaddr_in6 / sockaddr_un).
bool sockaddr_bytes(sv s, std::string& out) {
  uint64_t family = value_of(field(s, "sa_family"));
  if (family == AF_INET) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = port_of(field(s, "sin_port"));
    if (inet_pton(AF_INET, quoted_inside(field(s, "sin_addr")).c_str(), &sin.sin_addr) != 1) return false;
    append_raw(out, sin);
    return true;
  }
  if (family == AF_INET6) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = port_of(field(s, "sin6_port"));
    sv flow = field(s, "sin6_flowinfo");
    consume(flow, "htonl(");
    sin6.sin6_flowinfo = htonl(static_cast<uint32_t>(value_of(flow)));
    sin6.sin6_scope_id = static_cast<uint32_t>(value_of(field(s, "sin6_scope_id")));
    std::size_t at = s.find("inet_pton(AF_INET6, ");
    if (at == sv::npos || inet_pton(AF_INET6, quoted_inside(s.substr(at)).c_str(), &sin6.sin6_addr) != 1)
      return false;
    append_raw(out, sin6);
    return true;
  }
  if (family == AF_UNIX) {
    sv path = field(s, "sun_path");
    bool abstract = consume(path, "@");
    bool truncated = false;
    std::string name;
    if (!take_string(path, &name, truncated)) return false;
    append_raw(out, static_cast<uint16_t>(AF_UNIX));
    if (abstract) out += '\0';
    out += name;
    if (!abstract) out += '\0';
    return true;
  }
  return false;
}

// Structures and arrays strace prints for kinds whose data is bytes (arg_layout.h).
bool struct_bytes(sv s, ArgKind kind, std::string& out) {
  switch (kind) {
    case ArgKind::SockAddrIn:
    case ArgKind::SockAddrOut: return sockaddr_bytes(s, out);
    case ArgKind::RlimitIn:
    case ArgKind::RlimitOut:  // {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}
      if (field(s, "rlim_cur").empty() || field(s, "rlim_max").empty()) return false;
      append_raw(out, value_of(field(s, "rlim_cur")));
      append_raw(out, value_of(field(s, "rlim_max")));
      return true;
    default: break;
  }
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
  std::array<sv, 3> items{};
  std::size_t n = split_args(s.substr(1, s.size() - 2), items);
  switch (kind) {
    case ArgKind::PipeFdsOut: {  // [3<pipe:[1]>, 4<pipe:[1]>]: int[2], then -y targets
      if (n != 2) return false;
      std::string targets;
      for (std::size_t i = 0; i < 2; ++i) {
        sv item = items[i];
        uint64_t fd = 0;
        if (!take_value(item, fd)) return false;
        append_raw(out, static_cast<int32_t>(fd));
        if (std::size_t end = item.empty() ? sv::npos : annotation_end(item, 0); end != sv::npos)
          targets.append(item.substr(1, end - 2)) += '\0';
      }
      out += targets;
      return true;
    }
    case ArgKind::SockOptValOut: {  // [ECONNREFUSED], [0]
      if (n != 1) return false;
      sv item = items[0];
      if (auto err = errno_from_name(item)) {
        append_raw(out, static_cast<int32_t>(*err));
        return true;
      }
      uint64_t v = 0;
      if (!take_value(item, v) || !item.empty()) return false;
      append_raw(out, static_cast<int32_t>(v));
      return true;
    }
    case ArgKind::SockLenPtr: {  // [16] or [128 => 16]: {u32 exit, u32 entry}
      if (n != 1) return false;
      sv item = items[0];
      uint64_t entry = 0, exit = 0;
      if (!take_value(item, entry)) return false;
      exit = entry;
      if (consume(item, " => ") && !take_value(item, exit)) return false;
      append_raw(out, static_cast<uint32_t>(exit));
      append_raw(out, static_cast<uint32_t>(entry));
      return true;
    }
    default: return false;
  }
}

bool exit_only(ArgKind k) {
  return k == ArgKind::SockAddrOut || k == ArgKind::RlimitOut || k == ArgKind::PipeFdsOut ||
         k == ArgKind::SockOptValOut || k == ArgKind::BufOut;
}

void parse_value(sv s, ArgKind kind, bool at_exit, Arg& a) {
  // clone(child_stack=NULL, flags=...): drop "name=".
  std::size_t eq = 0;
  while (eq < s.size() && is_ident(s[eq])) ++eq;
  if (eq > 0 && eq + 1 < s.size() && s[eq] == '=' && s[eq + 1] != '=') s.remove_prefix(eq + 1);

  // Contents shown (a string, a structure, an array) mean a non-NULL pointer whose value
  // strace does not print: raw gets kUnknownAddress.
  if (!s.empty() && (s.front() == '"' || s.front() == '{' || s.front() == '[')) a.raw = kUnknownAddress;
  bool truncated = false;
  if (!s.empty() && s.front() == '"') {
    bool want = wants_string(kind, at_exit);
    if (take_string(s, want ? &a.data : nullptr, truncated) && want)
      a.state = truncated ? ArgState::Truncated : ArgState::Captured;
    return;
  }
  if (!s.empty() && s.front() == '[' && (kind == ArgKind::Argv || kind == ArgKind::Envp)) {
    take_string_list(s, a);
    return;
  }
  if (!s.empty() && (s.front() == '{' || s.front() == '[')) {
    if ((at_exit || !exit_only(kind)) && struct_bytes(s, kind, a.data)) a.state = ArgState::Captured;
    else a.data.clear();
    return;
  }
  uint64_t v = 0;
  if (!take_value(s, v)) return;
  a.raw = v;
  if (!s.empty() && s.front() == '<' && (kind == ArgKind::Fd || kind == ArgKind::DirFd)) {
    std::size_t end = annotation_end(s, 0);
    if (end != sv::npos) {
      a.data.assign(s.substr(1, end - 2));
      a.state = ArgState::Captured;
    }
  }
}

// strace prints clone's arguments in its own order, named: map them to the kernel's
// (x86_64: flags, newsp, parent_tid, child_tid, tls).
int clone_slot(sv piece) {
  static constexpr std::pair<sv, int> kNames[] = {{"flags=", 0},        {"child_stack=", 1},
                                                  {"parent_tid=", 2},   {"parent_tidptr=", 2},
                                                  {"child_tidptr=", 3}, {"tls=", 4}};
  for (const auto& [name, slot] : kNames)
    if (piece.starts_with(name)) return slot;
  return -1;
}

}  // namespace

int parse_args(sv text, SysNo sysno, bool at_exit, Args& args) {
  for (Arg& a : args) a.reset(0);
  std::array<sv, kMaxArgs> pieces{};
  std::size_t n = split_args(text, pieces);
  const SyscallInfo& info = syscall_info(sysno);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t slot = i;
    if (sysno == SysNo::clone) {
      int s = clone_slot(pieces[i]);
      if (s < 0) continue;
      slot = static_cast<std::size_t>(s);
    }
    ArgKind kind = slot < info.nargs ? info.kinds[slot] : ArgKind::Hex;
    parse_value(pieces[i], kind, at_exit, args[slot]);
  }
  return static_cast<int>(n);
}

}  // namespace gotrace::record::strace
