// Shared helpers for analyzers' wording. See analyzers.h and finding.h.
#include <fmt/format.h>

#include "analyzers.h"
#include "gotrace/format.h"

namespace gotrace::analyzers {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

std::string call_text(const SyscallExit& x) {
  std::string s;
  format::CallView v{x.sysno, x.number, x.args, x.ret, true, x.ret_fd_target};
  format::FormatOptions opt;
  opt.string_limit = 48;
  format::format_call_head(s, v, opt);
  format::format_call_tail(s, v, opt);
  return s;
}

std::string call_text(const SyscallEnter& e) {
  std::string s;
  format::FormatOptions opt;
  opt.string_limit = 48;
  format::format_call_head(s, {e.sysno, e.number, e.args}, opt);
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, ", ") == 0) s += "...";  // known at exit
  return s + ")";
}

std::string seconds_text(Nanos d) {
  double s = static_cast<double>(d.count()) / 1e9;
  if (s < 1) return fmt::format("{:.0f} ms", s * 1000);
  if (s < 600) return fmt::format("{:.1f} s", s);
  return fmt::format("{:.0f} min", s / 60);
}

}  // namespace gotrace::analyzers
