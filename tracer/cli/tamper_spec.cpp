// --inject and --rlimit parsing. See tamper_spec.h.
#include "tamper_spec.h"

#include <sys/resource.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "gotrace/error.h"
#include "gotrace/syscall_filter.h"
#include "strace_names.h"

namespace gotrace::cli {
namespace {

[[noreturn]] void bad(std::string_view option, std::string_view spec, const std::string& why) {
  throw UsageError(std::string(option) + " '" + std::string(spec) + "': " + why);
}

// A whole-string unsigned number in [lo, hi], or nothing.
std::optional<uint32_t> number_in(std::string_view s, uint32_t lo, uint32_t hi) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

// when=FIRST[..LAST][+[STEP]], with strace's ranges: FIRST and STEP 1..65535, LAST 1..65534.
void parse_when(std::string_view v, engine::TamperRule& r, std::string_view option,
                std::string_view spec) {
  std::string_view first = v, last, step;
  bool plus = false, range = false;
  if (auto p = v.find('+'); p != std::string_view::npos) {
    plus = true;
    step = v.substr(p + 1);
    first = v.substr(0, p);
  }
  if (auto d = first.find(".."); d != std::string_view::npos) {
    range = true;
    last = first.substr(d + 2);
    first = first.substr(0, d);
  }
  auto f = number_in(first, 1, 65535);
  if (!f) bad(option, spec, "when=" + std::string(v) + ": FIRST must be 1..65535");
  r.first = *f;
  r.last = plus ? engine::TamperRule::kNoLast : *f;  // FIRST alone: that invocation only
  r.step = 1;
  if (range) {
    auto l = number_in(last, 1, 65534);
    if (!l || *l < *f) bad(option, spec, "when=" + std::string(v) + ": LAST must be FIRST..65534");
    r.last = *l;
  }
  if (plus && !step.empty()) {
    auto s = number_in(step, 1, 65535);
    if (!s) bad(option, spec, "when=" + std::string(v) + ": STEP must be 1..65535");
    r.step = *s;
  }
}

int parse_errno(std::string_view v, std::string_view option, std::string_view spec) {
  if (auto n = number_in(v, 1, 4095)) return static_cast<int>(*n);
  std::string upper(v);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (auto e = record::strace::errno_from_name(upper); e && *e >= 1 && *e <= 4095) return *e;
  bad(option, spec, "error=" + std::string(v) + " is not an errno name (ENOENT, EMFILE...) or 1..4095");
}

int64_t parse_retval(std::string_view v, std::string_view option, std::string_view spec) {
  std::string s(v);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(s.c_str(), &end, 0);
  if (s.empty() || *end != '\0' || errno == ERANGE) bad(option, spec, "retval=" + s + " is not an integer");
  return n;
}

}  // namespace

Nanos parse_delay(std::string_view text, std::string_view what) {
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string_view unit(end);
  double scale = 0;
  if (unit.empty() || unit == "us") scale = 1e3;
  else if (unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "ns") scale = 1;
  if (s.empty() || end == s.c_str() || scale == 0 || !std::isfinite(v) || v < 0 || v * scale > 9e18)
    throw UsageError(std::string(what) + "=" + s + " is not a duration (e.g. 3s, 250ms, 10us, 500 = microseconds)");
  return Nanos(static_cast<int64_t>(std::llround(v * scale)));
}

engine::TamperRule parse_inject(std::string_view spec, bool fault) {
  std::string_view option = fault ? "-e fault=" : "--inject";
  engine::TamperRule r;
  r.text = spec;
  std::size_t colon = spec.find(':');
  std::string_view set = spec.substr(0, colon);
  if (set.empty()) bad(option, spec, "no syscall set before ':'");
  SyscallFilter filter;
  try {
    filter = SyscallFilter::parse(set);
  } catch (const UsageError& e) {
    bad(option, spec, e.what());
  }
  r.syscalls.assign(kSyscallCount + 1, false);
  bool any = false;
  for (std::size_t i = 0; i < kSyscallCount; ++i) {
    r.syscalls[i] = filter.selected(static_cast<SysNo>(i));
    any = any || r.syscalls[i];
  }
  if (!any) bad(option, spec, "the set names no syscall");
  bool have_delay = false;
  while (colon != std::string_view::npos) {
    std::size_t next = spec.find(':', colon + 1);
    std::string_view item = spec.substr(colon + 1, next == std::string_view::npos ? next : next - colon - 1);
    colon = next;
    std::size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (eq == std::string_view::npos || value.empty())
      bad(option, spec, "'" + std::string(item) + "' is not KEY=VALUE");
    bool fault_ok = key == "error" || key == "when";
    if (fault && !fault_ok) bad(option, spec, std::string(key) + "= is not allowed with fault= (only error= and when=)");
    if (key == "error" || key == "retval") {
      if (r.result != engine::TamperRule::Result::None)
        bad(option, spec, "only one error= or retval= is allowed");
      if (key == "error") {
        r.result = engine::TamperRule::Result::Error;
        r.value = parse_errno(value, option, spec);
      } else {
        r.result = engine::TamperRule::Result::Value;
        r.value = parse_retval(value, option, spec);
      }
    } else if (key == "delay_enter" || key == "delay_exit") {
      Nanos d;
      try {
        d = parse_delay(value, key);
      } catch (const UsageError& e) {
        bad(option, spec, e.what());
      }
      (key == "delay_enter" ? r.delay_enter : r.delay_exit) = d;
      have_delay = true;
    } else if (key == "when") {
      parse_when(value, r, option, spec);  // the last when= counts, as in strace
    } else if (key == "signal" || key == "syscall" || key == "poke_enter" || key == "poke_exit") {
      bad(option, spec, std::string(key) + "= is not supported by gotrace (error=, retval=, delay_enter=, delay_exit=, when=)");
    } else {
      bad(option, spec, "unknown '" + std::string(key) + "=' (error=, retval=, delay_enter=, delay_exit=, when=)");
    }
  }
  if (fault && r.result == engine::TamperRule::Result::None) {
    r.result = engine::TamperRule::Result::Error;
    r.value = ENOSYS;
  }
  if (r.result == engine::TamperRule::Result::None && !have_delay)
    bad(option, spec, "needs error=, retval=, delay_enter= or delay_exit=");
  return r;
}

std::vector<engine::ChildRlimit> parse_rlimits(std::string_view spec) {
  std::vector<engine::ChildRlimit> out;
  auto limit = [&](std::string_view v, std::string_view item) -> uint64_t {
    if (v == "unlimited" || v == "infinity") return RLIM_INFINITY;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n == RLIM_INFINITY)
      bad("--rlimit", spec, "'" + std::string(item) + "': '" + std::string(v) + "' is not a number or unlimited");
    return n;
  };
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t end = spec.find(',', start);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(start, end - start);
    start = end + 1;
    std::size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    if (eq == std::string_view::npos) bad("--rlimit", spec, "'" + std::string(item) + "' is not NAME=N[:HARD]");
    engine::ChildRlimit l{};
    if (name == "nofile") {
      l.resource = RLIMIT_NOFILE;
      l.name = "RLIMIT_NOFILE";
    } else if (name == "nproc") {
      l.resource = RLIMIT_NPROC;
      l.name = "RLIMIT_NPROC";
    } else {
      bad("--rlimit", spec, "unknown limit '" + std::string(name) + "' (nofile or nproc)");
    }
    std::string_view value = item.substr(eq + 1);
    std::size_t c = value.find(':');
    l.soft = limit(value.substr(0, c), item);
    l.hard = c == std::string_view::npos ? l.soft : limit(value.substr(c + 1), item);
    if (l.soft > l.hard) bad("--rlimit", spec, "'" + std::string(item) + "': the soft limit is above the hard limit");
    for (const engine::ChildRlimit& o : out)
      if (o.resource == l.resource) bad("--rlimit", spec, std::string(name) + " is given twice");
    out.push_back(std::move(l));
    if (end == spec.size()) break;
  }
  return out;
}

}  // namespace gotrace::cli
