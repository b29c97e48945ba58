// Parsing of -e trace= expressions. See syscall_filter.h.
#include "gotrace/syscall_filter.h"

#include <algorithm>
#include <string>

#include "gotrace/error.h"

namespace gotrace {

SyscallFilter SyscallFilter::parse(std::string_view expr) {
  SyscallFilter f;
  bool negate = false;
  while (!expr.empty() && expr.front() == '!') {  // as strace: each '!' negates again
    negate = !negate;
    expr.remove_prefix(1);
  }
  std::fill(f.selected_.begin(), f.selected_.end(), false);
  if (expr.empty()) throw UsageError("empty syscall list in -e trace=");
  std::size_t start = 0;
  while (start <= expr.size()) {
    std::size_t end = expr.find(',', start);
    if (end == std::string_view::npos) end = expr.size();
    std::string_view tok = expr.substr(start, end - start);
    start = end + 1;
    bool optional = false;
    if (!tok.empty() && tok.front() == '?') {
      optional = true;
      tok.remove_prefix(1);
    }
    if (tok.empty()) throw UsageError("empty name in syscall list '" + std::string(expr) + "'");
    if (tok == "all") {
      std::fill(f.selected_.begin(), f.selected_.end(), true);
    } else if (tok == "none") {
      // nothing added
    } else if (tok.front() == '%') {
      uint32_t flag = syscall_class_flag(tok);
      if (flag == 0) throw UsageError("invalid syscall class '" + std::string(tok) + "'");
      auto rows = all_syscalls();
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].has(flag)) f.selected_[i] = true;
    } else if (auto s = sysno_from_name(tok)) {
      f.selected_[static_cast<std::size_t>(*s)] = true;
    } else if (uint32_t flag = syscall_class_flag(tok)) {  // strace's old spelling: "network", "file"
      auto rows = all_syscalls();
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].has(flag)) f.selected_[i] = true;
    } else if (!optional) {
      throw UsageError("invalid system call '" + std::string(tok) + "'");
    }
    if (end == expr.size()) break;
  }
  if (negate) f.selected_.flip();
  return f;
}

bool SyscallFilter::selects_all() const {
  return std::all_of(selected_.begin(), selected_.end(), [](bool b) { return b; });
}

}  // namespace gotrace
