// Decodes .gtr records (record_format.h) back into events, with one reusable Event per
// body kind, from a buffered read of the file (never mapped: RSS stays flat).
#include "replay_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "gotrace/error.h"
#include "gotrace/record_format.h"
#include "record_codec.h"

namespace gotrace::record {
namespace {

constexpr std::size_t kReadChunk = 1 << 20;

template <typename E>
E enum_byte(Decoder& d, E max, const char* what) {
  uint8_t v = d.u8();
  if (v > static_cast<uint8_t>(max)) throw DecodeError{what};
  return static_cast<E>(v);
}

void get_strings(Decoder& d, std::vector<std::string>& v) {
  v.resize(d.count());
  for (std::string& s : v) d.str(s);
}

SysNo get_sys(Decoder& d, Arch arch, int32_t& number, std::string& scratch) {
  number = d.sv32();
  switch (enum_byte(d, SysNaming::Unknown, "bad syscall naming byte")) {
    case SysNaming::ByNumber: return sysno_from_number(arch, number);
    case SysNaming::ByName: {
      d.str(scratch);
      return sysno_from_name(scratch).value_or(SysNo::unknown);
    }
    case SysNaming::Unknown: break;
  }
  return SysNo::unknown;
}

void get_args(Decoder& d, Args& args) {
  uint8_t n = d.u8();
  if (n > kMaxArgs) throw DecodeError{"more than 6 arguments"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    Arg& a = args[i];
    if (i < n) {
      a.raw = d.uv();
      a.state = enum_byte(d, ArgState::Unreadable, "bad argument state");
      d.str(a.data);
    } else {
      a.reset(0);
    }
  }
}

void get_rlimit(Decoder& d, Rlimit& r) {
  r.soft = d.uv();
  r.hard = d.uv();
}

void get_threads(Decoder& d, std::vector<ThreadState>& threads) {
  threads.resize(d.count());
  for (ThreadState& t : threads) {
    Decoder e = d.blob();
    t.tid = Tid{e.sv32()};
    t.number = e.sv32();
    for (uint64_t& a : t.args) a = e.uv();
    t.state = static_cast<char>(e.u8());
    e.str(t.wchan);
    t.off_cpu_ns = e.sv();
    t.cpu_ns = e.left() > 0 ? e.sv() : -1;  // appended later
  }
}

struct BodyDecoder {
  Decoder& d;
  Arch arch;
  int64_t ts;
  std::string& scratch;

  void operator()(TraceStart& b) {
    b.wall_clock_ns = d.sv();
    uint8_t a = d.u8();
    if (a != static_cast<uint8_t>(Arch::X86_64) && a != static_cast<uint8_t>(Arch::Aarch64))
      throw DecodeError{"unknown architecture in TraceStart"};
    b.arch = static_cast<Arch>(a);
    d.str(b.gotrace_version);
    get_strings(d, b.command);
    b.attached.resize(d.count());
    for (int32_t& p : b.attached) p = d.sv32();
    b.filtered = d.left() > 0 && d.u8() != 0;  // added in 0.1 without a version bump: optional
    b.quiet_files = d.left() > 0 && d.u8() != 0;  // appended later still
    b.light = d.left() > 0 && d.u8() != 0;        // and later
  }
  void operator()(SyscallEnter& b) {
    b.call = d.uv();
    b.sysno = get_sys(d, arch, b.number, scratch);
    get_args(d, b.args);
  }
  void operator()(SyscallExit& b) {
    b.call = d.uv();
    b.sysno = get_sys(d, arch, b.number, scratch);
    b.ret = d.sv();
    uint64_t since = static_cast<uint64_t>(d.sv());
    b.entered = Nanos(static_cast<int64_t>(static_cast<uint64_t>(ts) - since));
    b.entry_seen = enum_byte(d, uint8_t{1}, "bad entry_seen byte") != 0;
    get_args(d, b.args);
    d.str(b.ret_fd_target);
  }
  void operator()(ProcessStart& b) {
    b.parent = Pid{d.sv32()};
    get_strings(d, b.argv);
  }
  void operator()(ThreadStart& b) { b.parent = Tid{d.sv32()}; }
  void operator()(Exec& b) {
    d.str(b.filename);
    get_strings(d, b.argv);
    b.former_tid = Tid{d.sv32()};
  }
  void operator()(Signal& b) {
    b.signo = d.sv32();
    b.stop = enum_byte(d, SignalStop::GroupStop, "bad signal stop kind");
    b.code = d.sv32();
    b.sender_pid = d.sv32();
    b.sender_uid = d.sv32();
    b.status = d.sv32();
    b.addr = d.uv();
  }
  void operator()(ThreadExit& b) { b.wait_status = d.sv32(); }
  void operator()(Snapshot& b) {
    get_rlimit(d, b.nofile);
    get_rlimit(d, b.nproc);
    b.fds.resize(d.count());
    for (OpenFd& f : b.fds) {
      Decoder e = d.blob();
      f.fd = e.sv32();
      e.str(f.target);
      if (e.left() == 0) continue;  // written before the TCP facts were appended
      f.tcp_state = e.u8();
      f.unacked = e.u32();
      f.retransmits = e.u32();
      f.last_send_ms = e.sv();
      f.last_recv_ms = e.sv();
      f.bytes_sent = e.uv();
      f.bytes_acked = e.uv();
      f.bytes_received = e.uv();
      if (e.left() == 0) continue;  // written before the file facts were appended
      f.file_size = e.sv();
      f.modified_ms = e.sv();
      if (e.left() > 0) f.cloexec = static_cast<int8_t>(std::min<int>(e.u8(), 2) - 1);  // appended later
      if (e.left() == 0) continue;  // written before the lock facts were appended
      f.lock_holder = e.sv32();
      e.str(f.lock);
      e.str(f.lock_holder_text);
    }
    b.env.resize(d.count());
    for (auto& [name, value] : b.env) {
      d.str(name);
      d.str(value);
    }
    get_threads(d, b.threads);
    d.str(b.cwd);
    d.str(b.exe);
    if (d.left() == 0) return;  // written before the filesystems were appended
    b.filesystems.resize(d.count());
    for (Filesystem& fs : b.filesystems) {
      Decoder e = d.blob();
      e.str(fs.path);
      e.str(fs.mount);
      e.str(fs.type);
      fs.size = e.uv();
      fs.avail = e.uv();
      fs.inodes = e.uv();
      fs.inodes_free = e.uv();
      fs.read_only = e.u8() != 0;
    }
  }
  void get_usage(Usage& u) {
    if (d.left() == 0) return;  // written before the usage was appended
    u.cpu_ns = d.sv();
    u.disk_read = d.uv();
    u.disk_written = d.uv();
  }
  void operator()(Tick& b) {
    b.io_bytes = d.left() > 0 ? d.uv() : 0;  // empty before io_bytes
    get_usage(b.usage);
  }
  void operator()(TraceEnd& b) {
    b.reason = enum_byte(d, EndReason::Truncated, "bad end reason");
    b.exit_status = d.sv32();
    get_usage(b.usage);
  }
  void operator()(ThreadStates& b) { get_threads(d, b.threads); }
  void operator()(Stack& b) {
    b.call = d.uv();
    b.frames.resize(d.count());
    for (StackFrame& f : b.frames) {
      Decoder e = d.blob();
      f.pc = e.uv();
      f.rel = e.uv();
      e.str(f.module);
      e.str(f.function);
      f.offset = e.uv();
      e.str(f.file);
      f.line = e.sv32();
    }
    d.str(b.note);
  }
};

// One event per tag, each holding its body alternative, reused record after record.
template <std::size_t... I>
std::array<Event, sizeof...(I)> make_slots(std::index_sequence<I...>) {
  return {Event{Nanos{0}, Pid{0}, Tid{0}, EventBody(std::in_place_index<I>)}...};
}

// Tag n (1-based) is body alternative n - 1.
static_assert(std::variant_size_v<EventBody> == kMaxKnownTag);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(Tag::Stack) - 1, EventBody>, Stack>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(Tag::Tick) - 1, EventBody>, Tick>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(Tag::Exec) - 1, EventBody>, Exec>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(Tag::ThreadStates) - 1, EventBody>, ThreadStates>);

}  // namespace

ReplaySource::ReplaySource(std::string path) : path_(std::move(path)) {
  file_.fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (file_.fd < 0) throw RecordFormatError(path_ + ": cannot open: " + std::strerror(errno));
  // A small file gets a small buffer (the fuzzer opens thousands per second).
  struct stat st {};
  std::size_t chunk = kReadChunk;
  if (::fstat(file_.fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) < kReadChunk)
    chunk = std::max<std::size_t>(static_cast<std::size_t>(st.st_size), kFixedHeaderSize + kMaxVersionLength);
  buf_.resize(chunk);
  if (!fill(1)) throw RecordFormatError(path_ + ": empty file, not a gotrace recording");
  fill(kFixedHeaderSize);
  std::size_t have = end_ - pos_;
  if (std::memcmp(buf_.data(), kMagic, std::min(have, sizeof kMagic)) != 0)
    throw RecordFormatError(path_ + ": not a gotrace recording (bad magic)");
  if (have < kFixedHeaderSize)
    throw RecordFormatError(path_ + ": file ends inside the recording header (" +
                            std::to_string(have) + " bytes)");
  const unsigned char* h = buf_.data();
  version_ = load_u16le(h + 8);
  if (version_ == 0) throw RecordFormatError(path_ + ": corrupt header: format version 0");
  if (version_ > kFormatVersion)
    throw RecordFormatError(path_ + ": recording format version " + std::to_string(version_) +
                            " is newer than this gotrace reads (" +
                            std::to_string(kFormatVersion) + "); replay it with a newer gotrace");
  if (h[10] != static_cast<uint8_t>(Arch::X86_64) && h[10] != static_cast<uint8_t>(Arch::Aarch64))
    throw RecordFormatError(path_ + ": corrupt header: unknown architecture " + std::to_string(h[10]));
  arch_ = static_cast<Arch>(h[10]);
  uint32_t vlen = load_u32le(h + 12);
  if (vlen > kMaxVersionLength)
    throw RecordFormatError(path_ + ": corrupt header: version string of " + std::to_string(vlen) + " bytes");
  if (!fill(kFixedHeaderSize + vlen))
    throw RecordFormatError(path_ + ": file ends inside the recording header");
  writer_version_.assign(reinterpret_cast<const char*>(buf_.data() + kFixedHeaderSize), vlen);
  header_size_ = kFixedHeaderSize + vlen;
  pos_ = header_size_;  // the first run continues from here: a pipe works too
}

ReplaySource::FileDescriptor::~FileDescriptor() {
  if (fd >= 0) ::close(fd);
}

void ReplaySource::corrupt(uint64_t at, const std::string& why) const {
  throw RecordFormatError(path_ + ": corrupt record at offset " + std::to_string(at) + ": " + why);
}

bool ReplaySource::refill(std::size_t need) {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    file_off_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  if (need > buf_.size()) {
    // Do not grow for a record that a regular file cannot hold (a truncated recording).
    struct stat st {};
    if (::fstat(file_.fd, &st) == 0 && S_ISREG(st.st_mode) &&
        file_off_ + need > static_cast<uint64_t>(st.st_size))
      return false;
    buf_.resize(need);
  }
  while (end_ < need) {
    ssize_t n = ::read(file_.fd, buf_.data() + end_, buf_.size() - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n == 0) {
      eof_ = true;
      break;
    } else {
      throw RecordFormatError(path_ + ": read error at offset " + std::to_string(file_off_ + end_) +
                              ": " + std::strerror(errno));
    }
  }
  return end_ - pos_ >= need;
}

void ReplaySource::run(EventConsumer& out) {
  if (runs_++ > 0) {
    if (::lseek(file_.fd, static_cast<off_t>(header_size_), SEEK_SET) < 0)
      throw RecordFormatError(path_ + ": cannot replay twice: " + std::strerror(errno));
    pos_ = end_ = 0;
    file_off_ = header_size_;
    eof_ = false;
  }
  truncated_ = false;
  events_ = skipped_ = 0;

  auto slots = make_slots(std::make_index_sequence<std::variant_size_v<EventBody>>{});
  std::string scratch;
  int64_t prev_ts = 0;
  while (true) {
    if (!fill(kRecordHeaderSize)) break;
    uint64_t at = offset();
    const unsigned char* p = buf_.data() + pos_;
    uint16_t tag = load_u16le(p);
    uint32_t len = load_u32le(p + 2);
    if (len > kMaxPayload)
      corrupt(at, "payload length " + std::to_string(len) + " exceeds the format's maximum");
    if (!fill(kRecordHeaderSize + len)) break;
    p = buf_.data() + pos_ + kRecordHeaderSize;  // fill may have moved the data
    pos_ += kRecordHeaderSize + len;
    Event* ev = nullptr;
    try {
      Decoder d(p, p + len);
      int64_t ts = static_cast<int64_t>(static_cast<uint64_t>(prev_ts) + static_cast<uint64_t>(d.sv()));
      prev_ts = ts;
      int32_t pid = d.sv32();
      int32_t tid = d.sv32();
      std::size_t slot = tag - 1u;
      if (tag == 0 || tag > kMaxKnownTag) {
        ++skipped_;
        continue;
      }
      ev = &slots[slot];
      ev->ts = Nanos(ts);
      ev->pid = Pid{pid};
      ev->tid = Tid{tid};
      std::visit(BodyDecoder{d, arch_, ts, scratch}, ev->body);
    } catch (const DecodeError& e) {
      corrupt(at, e.what);
    }
    ++events_;
    out.on_event(*ev);
    if (tag == static_cast<uint16_t>(Tag::TraceEnd)) return;
  }
  // The file ended without TraceEnd: gotrace died, or the disk filled up.
  truncated_ = true;
  Event end{Nanos(prev_ts), Pid{0}, Tid{0}, TraceEnd{EndReason::Truncated, -1}};
  out.on_event(end);
}

}  // namespace gotrace::record
