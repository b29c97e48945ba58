// i386 syscall names. See compat_syscalls.h.
#include "compat_syscalls.h"

#include <seccomp.h>

#include <array>
#include <cstdlib>

namespace gotrace::engine {

SysNo sysno_from_i386(int64_t number) {
  constexpr int kMax = 512;
  // Built once, from libseccomp's i386 table (the same source the x86_64 rows are checked
  // against), on the first 32-bit call seen.
  static const std::array<SysNo, kMax> map = [] {
    std::array<SysNo, kMax> m{};
    m.fill(SysNo::unknown);
    for (int nr = 0; nr < kMax; ++nr) {
      char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86, nr);
      if (!name) continue;
      m[static_cast<std::size_t>(nr)] = sysno_from_name(name).value_or(SysNo::unknown);
      std::free(name);
    }
    return m;
  }();
  return number >= 0 && number < kMax ? map[static_cast<std::size_t>(number)] : SysNo::unknown;
}

}  // namespace gotrace::engine
