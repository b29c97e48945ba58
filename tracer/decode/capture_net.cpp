// Capture of socket arguments (gotrace_decode): sockaddrs and their length pointers, socket
// option values, and (m)msghdr structures with their iovecs.
#include <algorithm>

#include "capture_internal.h"

namespace gotrace::decode::detail {

namespace {

using layout::load;

// The kernel's view of a socklen_t pointer after the call: {exit, entry} when both are known.
bool socklen_values(const Arg& len, uint32_t& out, uint32_t& in) {
  if (len.state != ArgState::Captured || len.data.size() < 4) return false;
  out = load<uint32_t>(len.data, 0);
  in = len.data.size() >= 8 ? load<uint32_t>(len.data, 4) : out;
  return true;
}

// Appends the encoding of the msghdr `hdr` (already fetched): the struct, then up to
// `name_cap` name bytes, then its iovecs (data spread over `budget` bytes when with_data).
void append_msghdr(std::string& out, const Pass& p, const char* hdr, uint64_t name_cap,
                   uint64_t budget, bool& truncated) {
  out.append(hdr, layout::kMsghdrSize);
  std::string_view h(hdr, layout::kMsghdrSize);
  const uint64_t name = load<uint64_t>(h, layout::kMsgName);
  const uint32_t namelen = load<uint32_t>(h, layout::kMsgNamelen);
  const uint64_t iov = load<uint64_t>(h, layout::kMsgIov);
  const uint64_t iovlen = load<uint64_t>(h, layout::kMsgIovlen);

  const std::size_t name_pos = out.size();
  append_u32(out, 0);
  const uint64_t n = std::min<uint64_t>({namelen, name_cap, layout::kSockaddrMax});
  if (name != 0 && n > 0 && read_exact(p.task, name, n, out))
    store_u32(out, name_pos, static_cast<uint32_t>(n));

  const std::size_t cnt_pos = out.size();
  append_u32(out, 0);
  long k = 0;
  if (iov != 0) k = append_iovecs(out, p.task, p.opt, iov, iovlen, true, budget, truncated);
  if (k < 0) {
    out.resize(cnt_pos + 4);
    k = 0;
  }
  store_u32(out, cnt_pos, static_cast<uint32_t>(k));
}

}  // namespace

void capture_sockaddr_in(Arg& a, const Pass& p, int i) {
  const int32_t len = static_cast<int32_t>(p.raw(i + 1));
  if (len <= 0) return;
  capture_buffer(a, p.task, static_cast<uint64_t>(len), layout::kSockaddrMax);
}

void capture_sockaddr_out(Arg& a, const Pass& p, int i) {
  if (p.failed() || a.raw == 0 || i + 1 >= kMaxArgs) return;
  uint32_t out = 0, in = 0;
  if (!socklen_values(p.args[static_cast<std::size_t>(i + 1)], out, in)) return;
  capture_buffer(a, p.task, std::min(out, in), layout::kSockaddrMax);
}

void capture_socklen_entry(Arg& a, const Pass& p) { capture_fixed(a, p.task, 4); }

void capture_socklen_exit(Arg& a, const Pass& p) {
  if (p.failed() || a.raw == 0) return;
  const std::size_t old = a.data.size();  // the entry value, if it was readable
  if (!read_exact(p.task, a.raw, 4, a.data)) {
    a.data.clear();
    a.state = ArgState::Unreadable;
    return;
  }
  std::rotate(a.data.begin(), a.data.begin() + static_cast<std::ptrdiff_t>(old), a.data.end());
  a.state = ArgState::Captured;
}

void capture_sockopt_in(Arg& a, const Pass& p, int i) {
  const int32_t len = static_cast<int32_t>(p.raw(i + 1));
  if (len <= 0) return;
  // (strace reads only the option's own size: an optlen past the end of the buffer still
  // shows the value, so a readable prefix is kept)
  capture_buffer(a, p.task, static_cast<uint64_t>(len), layout::kSockOptMax, 0, 1);
}

void capture_sockopt_out(Arg& a, const Pass& p, int i) {
  if (p.ret != 0 || a.raw == 0 || i + 1 >= kMaxArgs) return;
  uint32_t out = 0, in = 0;
  if (!socklen_values(p.args[static_cast<std::size_t>(i + 1)], out, in)) return;
  if (static_cast<int32_t>(out) <= 0) return;
  capture_buffer(a, p.task, out, layout::kSockOptMax);
}

void capture_msghdr_in(Arg& a, const Pass& p) {
  if (a.raw == 0) return;
  char hdr[layout::kMsghdrSize];
  if (!read_into(p.task, a.raw, hdr, sizeof hdr, a.data)) {
    a.state = ArgState::Unreadable;
    return;
  }
  bool truncated = false;
  append_msghdr(a.data, p, hdr, ~0ull, ~0ull, truncated);
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void capture_msghdr_out_entry(Arg& a, const Pass& p) {
  if (a.raw == 0) return;
  uint32_t namelen = 0;
  if (!read_value(p.task, a.raw + layout::kMsgNamelen, namelen, a.data)) {
    a.state = ArgState::Unreadable;
    return;
  }
  append_u32(a.data, namelen);
  a.state = ArgState::Captured;
}

void capture_msghdr_out_exit(Arg& a, const Pass& p) {
  if (p.failed() || a.raw == 0) return;
  const std::size_t old = a.data.size() >= 4 ? 4 : 0;
  const uint64_t entry_namelen = old ? load<uint32_t>(a.data, 0) : ~0ull;
  char hdr[layout::kMsghdrSize];
  if (!read_into(p.task, a.raw, hdr, sizeof hdr, a.data)) return;
  a.data.resize(old);
  bool truncated = false;
  append_msghdr(a.data, p, hdr, entry_namelen, static_cast<uint64_t>(p.ret), truncated);
  // Encoding first (the documented layout), the entry msg_namelen after it.
  std::rotate(a.data.begin(), a.data.begin() + static_cast<std::ptrdiff_t>(old), a.data.end());
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void capture_mmsghdr_in(Arg& a, const Pass& p, int i) {
  if (a.raw == 0) return;
  const uint32_t vlen = static_cast<uint32_t>(p.raw(i + 1));
  const uint32_t count = std::min(vlen, p.opt.vector_limit);
  bool truncated = vlen > count;
  append_u32(a.data, 0);
  uint32_t k = 0;
  for (; k < count; ++k) {
    char m[layout::kMmsghdrSize];
    if (!read_into(p.task, a.raw + uint64_t{k} * layout::kMmsghdrSize, m, sizeof m, a.data)) {
      truncated = true;
      break;
    }
    append_u32(a.data, load<uint32_t>(std::string_view(m, sizeof m), layout::kMsghdrSize));
    append_msghdr(a.data, p, m, ~0ull, ~0ull, truncated);
  }
  if (k == 0 && count > 0) {
    a.data.clear();
    a.state = ArgState::Unreadable;
    return;
  }
  store_u32(a.data, 0, k);
  a.state = truncated ? ArgState::Truncated : ArgState::Captured;
}

void capture_mmsghdr_exit(Arg& a, const Pass& p) {
  // sendmmsg: the kernel stores each sent message's byte count in msg_len.
  if (p.ret <= 0 || a.data.size() < 4) return;
  if (a.state != ArgState::Captured && a.state != ArgState::Truncated) return;
  const uint32_t count = load<uint32_t>(a.data, 0);
  const uint64_t sent = std::min<uint64_t>(count, static_cast<uint64_t>(p.ret));
  std::size_t pos = 4;
  for (uint64_t k = 0; k < sent && pos != 0 && pos + 4 <= a.data.size(); ++k) {
    uint32_t msg_len = 0;
    if (read_value(p.task, a.raw + k * layout::kMmsghdrSize + layout::kMsghdrSize, msg_len,
                   a.data))
      store_u32(a.data, pos, msg_len);
    pos = layout::msghdr_end(a.data, pos + 4);
  }
}

}  // namespace gotrace::decode::detail
