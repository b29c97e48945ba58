// Byte layouts of Arg::data (arg.h), shared by the decoder that writes them and by the
// formatter and analyzers that read them: struct sizes and offsets of the tracee ABI
// (x86_64), unaligned little-endian loads, and walkers for the variable-length encodings.
// Plain values only; no tracee access.
//
// Details arg.h leaves open, fixed here:
// - Iovec encoding {u64 iov_len, u32 n, n bytes}: n == kIovNoData means the bytes were not
//   captured (iov_base unreadable, or the call failed); then u64 iov_base follows instead.
// - SockLenPtr: u32 value at entry; after a successful exit {u32 exit value, u32 entry value}.
// - MsgHdrOut: u32 msg_namelen at entry; after a successful exit the MsgHdrIn-style encoding
//   followed by that entry u32 (strace prints "msg_namelen=128 => 16").
// - MmsgHdrIn: per message, u32 msg_len is the struct field, refreshed at exit (sendmmsg
//   reports the bytes sent there).
// - PollFds: entry nfds*8 bytes; after an exit with ret > 0 the same count again (revents).
// - FcntlArg: struct flock (32 bytes) for the lock commands; F_GETLK/F_OFD_GETLK append the
//   struct as the kernel left it at exit.
// - PipeFdsOut: int[2]; with fd detail, each fd's target follows, NUL-terminated.
// - Envp: every variable is kept (the count is printed), each cut to the buffer limit.
// - Argv/Envp: each string followed by a NUL. When an entry's pointer could not be read
//   through, or the array ran into unmapped memory, an ArgvTrailer follows the last NUL
//   (see below): the data then ends with kArgvTrailerMark instead of a NUL.
// - Clone3Args: min(size, 88) bytes of struct clone_args, then tagged sections {u8 tag, u32
//   n, n bytes} (n == kSectionUnreadable: none could be read): at entry 'S' set_tid's ints
//   (when 0 < set_tid_size <= 32) and 'T' the bytes past the struct up to min(size, 4096);
//   after a successful exit 'P' the pidfd and 'p' the parent tid written (i32 each) and 't'
//   those bytes again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gotrace::layout {

constexpr std::size_t kIovecSize = 16;
// Elements of an array (iovecs, pollfds, epoll events, argv) the capture keeps by default:
// an array captured shorter than this and than its count ran into unmapped memory.
constexpr uint32_t kVectorLimit = 64;
constexpr std::size_t kMsghdrSize = 56;
constexpr std::size_t kMmsghdrSize = 64;
constexpr std::size_t kEpollEventSize = 12;
constexpr std::size_t kPollfdSize = 8;
constexpr std::size_t kTimespecSize = 16;
constexpr std::size_t kTimevalSize = 16;
constexpr std::size_t kSigsetSize = 8;
constexpr std::size_t kSigactionSize = 32;  // handler, flags, restorer, mask (u64 each)
constexpr std::size_t kRlimitSize = 16;
constexpr std::size_t kRusageTimesSize = 32;  // ru_utime, ru_stime: struct timeval each
// siginfo_t up to SIGCHLD's fields: i32 signo, errno, code, pad; i32 pid, u32 uid, i32 status,
// pad; i64 utime, stime (clock ticks).
constexpr std::size_t kSiginfoChldSize = 48;
constexpr std::size_t kOpenHowSize = 24;
constexpr std::size_t kCloneArgsSize = 88;
constexpr std::size_t kCloneArgsMinSize = 64;  // up to and including tls
constexpr uint32_t kSectionUnreadable = 0xffffffff;
constexpr uint64_t kClonePidfd = 0x1000, kCloneParentSettid = 0x100000;  // clone_args.flags bits
constexpr uint32_t kCloneSetTidMax = 32;  // the kernel's limit (MAX_PID_NS_LEVEL)
constexpr std::size_t kPageSize = 4096;
constexpr std::size_t kFlockSize = 32;
constexpr std::size_t kFOwnerExSize = 8;  // struct f_owner_ex: int type, pid
constexpr std::size_t kSockaddrMax = 128;  // sizeof(struct sockaddr_storage)
constexpr std::size_t kSockOptMax = 64;

// struct msghdr field offsets.
constexpr std::size_t kMsgName = 0;
constexpr std::size_t kMsgNamelen = 8;
constexpr std::size_t kMsgIov = 16;
constexpr std::size_t kMsgIovlen = 24;
constexpr std::size_t kMsgControl = 32;
constexpr std::size_t kMsgControllen = 40;
constexpr std::size_t kMsgFlags = 48;

// struct kernel_sigaction field offsets.
constexpr std::size_t kSaHandler = 0;
constexpr std::size_t kSaFlags = 8;
constexpr std::size_t kSaRestorer = 16;
constexpr std::size_t kSaMask = 24;

constexpr uint32_t kIovNoData = 0xffffffffu;

// Loads a T at `off`; T{} when the bytes are not all there.
template <typename T>
T load(std::string_view d, std::size_t off) {
  T v{};
  if (off <= d.size() && d.size() - off >= sizeof(T)) std::memcpy(&v, d.data() + off, sizeof(T));
  return v;
}

// What an Argv/Envp capture could not read: the entries whose string was unreadable
// (printed as their pointer, as strace), and where the array itself ran into unmapped
// memory (strace: "... /* ADDR */", envp's "unterminated"). Encoded {u64 unterminated_at,
// u32 n, n x {u32 index, u64 pointer}, u32 size of all that, u8 kArgvTrailerMark}. Strings
// hold no NUL, so a list without a trailer always ends with one (or is empty).
constexpr char kArgvTrailerMark = '\x01';
struct ArgvTrailer {
  uint64_t unterminated_at = 0;                            // 0: ended by NULL or the limit
  std::vector<std::pair<uint32_t, uint64_t>> unreadable;  // entry index, its pointer
  bool empty() const { return unterminated_at == 0 && unreadable.empty(); }
};

inline void append_argv_trailer(std::string& d, const ArgvTrailer& t) {
  const std::size_t start = d.size();
  auto put = [&](const auto& v) { d.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(t.unterminated_at);
  put(static_cast<uint32_t>(t.unreadable.size()));
  for (const auto& [index, ptr] : t.unreadable) {
    put(index);
    put(ptr);
  }
  put(static_cast<uint32_t>(d.size() - start));
  d += kArgvTrailerMark;
}

// The strings part of an Argv/Envp capture (without its trailer), and the trailer.
inline std::string_view argv_strings(std::string_view d, ArgvTrailer* trailer = nullptr) {
  if (d.empty() || d.back() != kArgvTrailerMark || d.size() < 5) return d;
  const uint32_t size = load<uint32_t>(d, d.size() - 5);
  if (size < 12 || size > d.size() - 5) return d;
  const std::size_t at = d.size() - 5 - size;
  if (trailer) {
    trailer->unterminated_at = load<uint64_t>(d, at);
    const uint32_t n = load<uint32_t>(d, at + 8);
    for (uint32_t k = 0; k < n && 12 + (k + 1) * 12 <= size; ++k)
      trailer->unreadable.emplace_back(load<uint32_t>(d, at + 12 + k * 12), load<uint64_t>(d, at + 16 + k * 12));
  }
  return d.substr(0, at);
}

// A Clone3Args section by tag, searched from `pos` (the struct's end): absent, unreadable
// (present with no bytes), or its bytes.
struct Clone3Section {
  bool present = false;
  std::optional<std::string_view> bytes;
};
inline Clone3Section clone3_section(std::string_view d, std::size_t pos, char tag) {
  while (pos + 5 <= d.size()) {
    const char t = d[pos];
    const uint32_t n = load<uint32_t>(d, pos + 1);
    pos += 5;
    const bool unreadable = n == kSectionUnreadable;
    if (!unreadable && n > d.size() - pos) break;
    if (t == tag) return {true, unreadable ? std::nullopt : std::optional(d.substr(pos, n))};
    if (!unreadable) pos += n;
  }
  return {};
}

struct IovEntry {
  uint64_t len = 0;          // iov_len
  uint64_t base = 0;         // iov_base, only when !has_data
  bool has_data = false;
  std::string_view data;     // the captured bytes
};

// Walks the iovec encoding from `pos`; stops (returns false) at the end or on a short record.
class IovReader {
 public:
  IovReader(std::string_view d, std::size_t pos = 0) : d_(d), pos_(pos) {}
  bool next(IovEntry& e) {
    if (pos_ > d_.size() || d_.size() - pos_ < 12) return false;
    e.len = load<uint64_t>(d_, pos_);
    uint32_t n = load<uint32_t>(d_, pos_ + 8);
    pos_ += 12;
    if (n == kIovNoData) {
      if (d_.size() - pos_ < 8) return false;
      e.has_data = false;
      e.base = load<uint64_t>(d_, pos_);
      e.data = {};
      pos_ += 8;
      return true;
    }
    if (d_.size() - pos_ < n) return false;
    e.has_data = true;
    e.base = 0;
    e.data = d_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view d_;
  std::size_t pos_;
};

// A MsgHdrIn/MsgHdrOut encoding starting at some offset.
struct MsgHdrView {
  std::string_view hdr;    // struct msghdr, kMsghdrSize bytes
  std::string_view name;   // captured msg_name bytes
  uint32_t iovcnt = 0;     // iovec records that follow
  std::size_t iov_pos = 0; // offset of the first iovec record in the whole data
};

// Parses the fixed part of a msghdr encoding at `pos`; false when it is not all there.
inline bool parse_msghdr(std::string_view d, std::size_t pos, MsgHdrView& m) {
  if (pos > d.size() || d.size() - pos < kMsghdrSize + 4) return false;
  m.hdr = d.substr(pos, kMsghdrSize);
  pos += kMsghdrSize;
  uint32_t n = load<uint32_t>(d, pos);
  pos += 4;
  if (d.size() - pos < static_cast<std::size_t>(n) + 4) return false;
  m.name = d.substr(pos, n);
  pos += n;
  m.iovcnt = load<uint32_t>(d, pos);
  m.iov_pos = pos + 4;
  return true;
}

// Offset just past a msghdr encoding at `pos` (its iovec records walked); 0 when malformed.
inline std::size_t msghdr_end(std::string_view d, std::size_t pos) {
  MsgHdrView m;
  if (!parse_msghdr(d, pos, m)) return 0;
  IovReader r(d, m.iov_pos);
  IovEntry e;
  for (uint32_t i = 0; i < m.iovcnt; ++i)
    if (!r.next(e)) return 0;
  return r.pos();
}

}  // namespace gotrace::layout
