// strace's `-e trace=` sets: names, %classes, all/none, leading '!' to negate, '?' before a
// name to ignore it when unknown. Evaluated against the syscall table's flags.
#pragma once

#include <string_view>
#include <vector>

#include "gotrace/syscall_table.h"

namespace gotrace {

class SyscallFilter {
 public:
  SyscallFilter() : selected_(kSyscallCount + 1, true) {}  // everything

  // Parses e.g. "read,write,%net" or "!futex". Throws UsageError naming the bad token.
  static SyscallFilter parse(std::string_view expr);

  bool selected(SysNo s) const { return selected_[static_cast<std::size_t>(s)]; }
  bool selects_all() const;

 private:
  std::vector<bool> selected_;  // indexed by SysNo; the last slot is SysNo::unknown
};

}  // namespace gotrace
