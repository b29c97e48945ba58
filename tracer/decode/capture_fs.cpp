// Capture of file-descriptor I/O arguments (gotrace_decode): output buffers, iovec arrays,
// pollfd arrays, fcntl's lock argument and pipe fd pairs.
#include <algorithm>

#include "capture_internal.h"

namespace gotrace::decode::detail {

namespace {

struct RawIovec {
  uint64_t base;
  uint64_t len;
};

constexpr std::size_t kIovChunk = 16;  // iovecs fetched per read

}  // namespace

long append_iovecs(std::string& out, TaskAccess& task, const CaptureOptions& opt,
                   uint64_t addr, uint64_t iovcnt, bool with_data, uint64_t budget,
                   bool& truncated) {
  uint64_t count = std::min<uint64_t>(iovcnt, opt.vector_limit);
  if (iovcnt > count) truncated = true;
  RawIovec chunk[kIovChunk];
  long written = 0;
  for (uint64_t done = 0; done < count;) {
    std::size_t k = static_cast<std::size_t>(std::min<uint64_t>(kIovChunk, count - done));
    if (!read_into(task, addr + done * layout::kIovecSize, chunk, k * layout::kIovecSize, out)) {
      // The array runs into unmapped memory: keep the iovecs before it (strace prints them,
      // then "... /* ADDR */").
      std::size_t readable = 0;
      while (readable < k && read_into(task, addr + (done + readable) * layout::kIovecSize, &chunk[readable],
                                       layout::kIovecSize, out))
        ++readable;
      if (done + readable == 0) return -1;
      truncated = true;
      k = readable;
      count = done + k;  // this chunk is the last
    }
    for (std::size_t j = 0; j < k; ++j) {
      const RawIovec& v = chunk[j];
      const std::size_t head = out.size();
      append_u64(out, v.len);
      append_u32(out, 0);
      bool have = false;
      if (with_data) {
        const uint64_t take = std::min(v.len, budget);
        budget -= take;
        const uint64_t n = opt.whole_buffers ? take : std::min<uint64_t>(take, opt.buffer_limit);
        if (n < take) truncated = true;
        have = n == 0 || read_exact(task, v.base, n, out);
        if (have) store_u32(out, head + 8, static_cast<uint32_t>(n));
      }
      if (!have) {
        store_u32(out, head + 8, layout::kIovNoData);
        append_u64(out, v.base);
      }
      ++written;
    }
    done += k;
  }
  return written;
}

void capture_iov_in(Arg& a, const Pass& p, int i) {
  if (a.raw == 0) return;
  bool truncated = false;
  long n = append_iovecs(a.data, p.task, p.opt, a.raw, p.raw(i + 1), true, ~0ull, truncated);
  if (n < 0) {
    a.data.clear();
    a.state = ArgState::Unreadable;
    return;
  }
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void capture_iov_out(Arg& a, const Pass& p, int i) {
  if (a.raw == 0) return;
  bool truncated = false;
  // strace shows the iovecs of a failed call with their addresses.
  const bool ok = !p.failed();
  long n = append_iovecs(a.data, p.task, p.opt, a.raw, p.raw(i + 1), ok,
                         ok ? static_cast<uint64_t>(p.ret) : 0, truncated);
  if (n < 0) {
    a.data.clear();
    a.state = ArgState::Unreadable;
    return;
  }
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void capture_pollfds_entry(Arg& a, const Pass& p, int i) {
  const uint64_t nfds = static_cast<uint32_t>(p.raw(i + 1));
  // (an array running into unmapped memory keeps its readable pollfds)
  capture_buffer(a, p.task, nfds * layout::kPollfdSize, uint64_t{p.opt.vector_limit} * layout::kPollfdSize, 0,
                 layout::kPollfdSize);
  a.data.resize(a.data.size() / layout::kPollfdSize * layout::kPollfdSize);
}

void capture_pollfds_exit(Arg& a, const Pass& p) {
  if (p.ret <= 0 || a.raw == 0) return;
  if (a.state != ArgState::Captured && a.state != ArgState::Truncated) return;
  if (!read_exact(p.task, a.raw, a.data.size(), a.data)) {
    // Keep the halves rule simple for readers: no revents means no entry data either.
    a.data.clear();
    a.state = ArgState::Unreadable;
  }
}

namespace {
// F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW
bool is_lock_cmd(int cmd) { return (cmd >= 5 && cmd <= 7) || (cmd >= 36 && cmd <= 38); }
bool is_getlk_cmd(int cmd) { return cmd == 5 || cmd == 36; }
}  // namespace

void capture_fcntl_arg_entry(Arg& a, const Pass& p) {
  const auto cmd = static_cast<int32_t>(p.raw(1));
  if (is_lock_cmd(cmd)) capture_fixed(a, p.task, layout::kFlockSize);
  if (cmd == 15) capture_fixed(a, p.task, layout::kFOwnerExSize);  // F_SETOWN_EX
}

void capture_fcntl_arg_exit(Arg& a, const Pass& p) {
  if (static_cast<int32_t>(p.raw(1)) == 16 && p.ret == 0) {  // F_GETOWN_EX: what the kernel wrote
    capture_fixed(a, p.task, layout::kFOwnerExSize);
    return;
  }
  if (p.ret != 0 || !is_getlk_cmd(static_cast<int32_t>(p.raw(1)))) return;
  if (a.state == ArgState::Captured && a.data.size() == layout::kFlockSize)
    read_exact(p.task, a.raw, layout::kFlockSize, a.data);
}

void capture_pipe_fds(Arg& a, const Pass& p) {
  if (p.ret != 0 || a.raw == 0) return;
  if (!read_exact(p.task, a.raw, 8, a.data)) {
    a.state = ArgState::Unreadable;
    return;
  }
  a.state = ArgState::Captured;
  if (p.opt.fd_detail <= 0) return;
  int32_t fds[2];
  std::memcpy(fds, a.data.data(), sizeof fds);
  // TaskAccess::fd_target assigns its output; a per-thread scratch string keeps its
  // capacity, so this allocates only while warming up.
  thread_local std::string target;
  for (int32_t fd : fds) {
    if (p.task.fd_target(fd, p.opt.fd_detail, target)) a.data.append(target);
    a.data.push_back('\0');
  }
}

void capture_buf_out(Arg& a, const Pass& p) {
  if (p.ret < 0 || a.raw == 0) return;
  if (p.ret == 0) {
    a.state = ArgState::Captured;
    return;
  }
  // getcwd returns a path (strace does not cut it at -s); other calls a byte count.
  const uint64_t limit = p.sysno == SysNo::getcwd ? p.opt.path_limit : p.opt.buffer_limit;
  capture_buffer(a, p.task, static_cast<uint64_t>(p.ret), limit, p.opt.whole_buffers ? UINT64_MAX : 0);
}

}  // namespace gotrace::decode::detail
