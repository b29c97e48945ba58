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
  layout::ArgvTrailer trailer;
  uint32_t n = 0;
  for (;; ++n) {
    uint64_t ptr = 0;
    const uint64_t slot = a.raw + uint64_t{n} * 8;
    if (!read_value(p.task, slot, ptr, a.data)) {
      if (n == 0) {
        a.state = ArgState::Unreadable;
        return;
      }
      trailer.unterminated_at = slot;  // the array ran into unmapped memory
      break;
    }
    if (ptr == 0) break;
    if (n == max_entries) {
      truncated = true;
      break;
    }
    bool cut = false;
    const std::size_t before = a.data.size();
    if (p.task.read_cstring(ptr, str_limit, a.data, cut) < 0) {
      a.data.resize(before);
      trailer.unreadable.emplace_back(n, ptr);  // shown as its pointer
      cut = false;
    }
    truncated |= cut;
    a.data.push_back('\0');
  }
  if (!trailer.empty()) layout::append_argv_trailer(a.data, trailer);
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

namespace {

// A Clone3Args section (arg_layout.h): `len` bytes at `addr`, or none readable.
void clone3_section(Arg& a, const Pass& p, char tag, uint64_t addr, std::size_t len) {
  a.data += tag;
  const std::size_t at = a.data.size();
  append_u32(a.data, static_cast<uint32_t>(len));
  if (addr == 0 || !read_exact(p.task, addr, len, a.data)) store_u32(a.data, at, layout::kSectionUnreadable);
}

// The bytes a caller passed past the struct the kernel knows (up to a page, as strace).
void clone3_tail(Arg& a, const Pass& p, int i, char tag) {
  const uint64_t size = p.raw(i + 1);
  if (size > layout::kCloneArgsSize)
    clone3_section(a, p, tag, a.raw + layout::kCloneArgsSize,
                   std::min<uint64_t>(size, layout::kPageSize) - layout::kCloneArgsSize);
}

}  // namespace

void capture_clone3(Arg& a, const Pass& p, int i) {
  if (a.raw == 0) return;
  const uint64_t size = p.raw(i + 1);
  capture_buffer(a, p.task, size, layout::kCloneArgsSize);
  if (a.state == ArgState::Truncated) a.state = ArgState::Captured;  // the tail is a section
  if (a.state != ArgState::Captured || a.data.size() < layout::kCloneArgsMinSize) return;
  if (a.data.size() >= 80) {
    const uint64_t set_tid = layout::load<uint64_t>(a.data, 64), n = layout::load<uint64_t>(a.data, 72);
    if (set_tid != 0 && n != 0 && n <= layout::kCloneSetTidMax) clone3_section(a, p, 'S', set_tid, n * 4);
  }
  clone3_tail(a, p, i, 'T');
}

void capture_clone3_exit(Arg& a, const Pass& p, int i) {
  if (p.failed() || a.state != ArgState::Captured || a.data.size() < layout::kCloneArgsMinSize) return;
  const uint64_t flags = layout::load<uint64_t>(a.data, 0);
  if (flags & layout::kClonePidfd) clone3_section(a, p, 'P', layout::load<uint64_t>(a.data, 8), 4);
  if (flags & layout::kCloneParentSettid) clone3_section(a, p, 'p', layout::load<uint64_t>(a.data, 24), 4);
  clone3_tail(a, p, i, 't');
}

void capture_epoll_events(Arg& a, const Pass& p) {
  if (p.failed() || a.raw == 0) return;
  const uint64_t n = static_cast<uint64_t>(p.ret);
  capture_buffer(a, p.task, n * layout::kEpollEventSize,
                 uint64_t{p.opt.vector_limit} * layout::kEpollEventSize);
}

}  // namespace gotrace::decode::detail
