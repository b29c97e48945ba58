// Building the seccomp-bpf program. See seccomp_filter.h.
#include "seccomp_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace gotrace::engine {

std::vector<sock_filter> build_seccomp_filter(const std::vector<bool>& traced, std::string& why,
                                              const std::vector<ArgCondition>& only_when) {
  std::vector<sock_filter> prog;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) {
    why = "seccomp_init failed";
    return prog;
  }
  // Never harm the program: calls of another ABI (int 0x80) run untraced rather than die,
  // and no_new_privs is left to the child (set only where the kernel demands it).
  seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);  // a binary tree, not a linear scan
#if defined(__x86_64__)
  // 32-bit programs (GOARCH=386, gcc -m32) stop on the same calls, by name: libseccomp
  // translates each rule to the i386 numbers (compat_syscalls.h names them back).
  seccomp_arch_add(ctx, SCMP_ARCH_X86);
#endif
  auto rows = all_syscalls();
  for (std::size_t i = 0; i < rows.size() && i < traced.size(); ++i) {
    if (!traced[i] || rows[i].x86_64 < 0) continue;
    auto cond = std::find_if(only_when.begin(), only_when.end(),
                             [&](const ArgCondition& c) { return static_cast<std::size_t>(c.sysno) == i; });
    if (cond != only_when.end() && cond->arg < 6) {
      // One rule per value (libseccomp ORs them); the kernel's int argument is the low half.
      for (uint32_t v : cond->values)
        seccomp_rule_add(ctx, SCMP_ACT_TRACE(kOwnTraceData), rows[i].x86_64, 1,
                         scmp_arg_cmp{cond->arg, SCMP_CMP_MASKED_EQ, 0xffffffffu, v});
      continue;
    }
    // Rows libseccomp does not know yet are simply not traced.
    seccomp_rule_add(ctx, SCMP_ACT_TRACE(kOwnTraceData), rows[i].x86_64, 0);
  }
  int fd = memfd_create("gotrace-seccomp", MFD_CLOEXEC);
  int rc = fd >= 0 ? seccomp_export_bpf(ctx, fd) : -errno;
  seccomp_release(ctx);
  if (rc < 0) {
    why = std::string("cannot export the filter: ") + std::strerror(-rc);
    if (fd >= 0) close(fd);
    return prog;
  }
  off_t size = lseek(fd, 0, SEEK_END);
  prog.resize(static_cast<std::size_t>(size) / sizeof(sock_filter));
  if (pread(fd, prog.data(), prog.size() * sizeof(sock_filter), 0) !=
      static_cast<ssize_t>(prog.size() * sizeof(sock_filter))) {
    why = "cannot read the exported filter";
    prog.clear();
  }
  close(fd);
  return prog;
}

}  // namespace gotrace::engine
