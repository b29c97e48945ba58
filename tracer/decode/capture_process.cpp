// Capture of process, futex and event-wait arguments (gotrace_decode): execve's argv/envp,
// futex's op-dependent timeout, clone3's struct and epoll_wait's ready events.
#include <algorithm>

#include "capture_internal.h"

namespace gotrace::decode::detail {

namespace {
constexpr uint32_t kMaxEnvEntries = 4096;  // "/* N vars */" needs the full count
}  // namespace

void capture_strings(Arg& a, const Pass& p, bool envp) {
  if (a.raw == 0) return;
  // argv keeps whole strings (Exec events want them); envp only the count plus a prefix.
  const uint32_t max_entries = envp ? kMaxEnvEntries : p.opt.vector_limit;
  // (envp: one byte past the limit, so that the formatter knows a string went on)
  const uint32_t str_limit = envp ? p.opt.buffer_limit + 1 : p.opt.path_limit;
  bool truncated = false;
  uint32_t n = 0;
  for (;; ++n) {
    uint64_t ptr = 0;
    if (!read_value(p.task, a.raw + uint64_t{n} * 8, ptr, a.data)) {
      if (n == 0) {
        a.state = ArgState::Unreadable;
        return;
      }
      truncated = true;
      break;
    }
    if (ptr == 0) break;
    if (n == max_entries) {
      truncated = true;
      break;
    }
    bool cut = false;
    if (p.task.read_cstring(ptr, str_limit, a.data, cut) < 0) cut = true;
    truncated |= cut;
    a.data.push_back('\0');
  }
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void capture_futex_timeout(Arg& a, const Pass& p) {
  // Only the waiting ops read a struct timespec; for the others this register is val2.
  switch (static_cast<uint32_t>(p.raw(1)) & 127) {
    case 0:   // FUTEX_WAIT
    case 6:   // FUTEX_LOCK_PI
    case 9:   // FUTEX_WAIT_BITSET
    case 11:  // FUTEX_WAIT_REQUEUE_PI
    case 13:  // FUTEX_LOCK_PI2
      capture_fixed(a, p.task, layout::kTimespecSize);
      break;
    default:
      break;
  }
}

void capture_clone3(Arg& a, const Pass& p, int i) {
  if (a.raw == 0) return;
  const uint64_t size = p.raw(i + 1);
  capture_buffer(a, p.task, size, layout::kCloneArgsSize);
  if (a.state == ArgState::Truncated) a.state = ArgState::Captured;  // the tail is padding
}

void capture_epoll_events(Arg& a, const Pass& p) {
  if (p.failed() || a.raw == 0) return;
  const uint64_t n = static_cast<uint64_t>(p.ret);
  capture_buffer(a, p.task, n * layout::kEpollEventSize,
                 uint64_t{p.opt.vector_limit} * layout::kEpollEventSize);
}

}  // namespace gotrace::decode::detail
