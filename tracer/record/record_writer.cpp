// Encodes events into .gtr records (record_format.h) and streams them to PATH.partial.
#include "record_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gotrace/error.h"
#include "gotrace/record_format.h"
#include "gotrace/version.h"
#include "record_codec.h"

namespace gotrace::record {
namespace {

constexpr std::size_t kFlushAt = 256 * 1024;

template <typename T>
struct TagOf;
#define GT_TAG_OF(type) \
  template <>           \
  struct TagOf<type> {  \
    static constexpr Tag value = Tag::type; \
  };
GT_TAG_OF(TraceStart)
GT_TAG_OF(SyscallEnter)
GT_TAG_OF(SyscallExit)
GT_TAG_OF(ProcessStart)
GT_TAG_OF(ThreadStart)
GT_TAG_OF(Exec)
GT_TAG_OF(Signal)
GT_TAG_OF(ThreadExit)
GT_TAG_OF(Snapshot)
GT_TAG_OF(Tick)
GT_TAG_OF(TraceEnd)
GT_TAG_OF(ThreadStates)
GT_TAG_OF(Stack)
#undef GT_TAG_OF

// A guard, not a proof: when an event struct changes size, its encoding (here and in
// replay_source.cpp, record_format.h and record_test.cpp's every_kind()) must be updated,
// then these sizes. Fields go at the end of a body or of a list element, nowhere else.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(TraceStart) == 104, "TraceStart changed: update the .gtr encoding, then this size");
static_assert(sizeof(SyscallEnter) == 304, "SyscallEnter changed: update the .gtr encoding, then this size");
static_assert(sizeof(SyscallExit) == 360, "SyscallExit changed: update the .gtr encoding, then this size");
static_assert(sizeof(ProcessStart) == 32, "ProcessStart changed: update the .gtr encoding, then this size");
static_assert(sizeof(ThreadStart) == 4, "ThreadStart changed: update the .gtr encoding, then this size");
static_assert(sizeof(Exec) == 64, "Exec changed: update the .gtr encoding, then this size");
static_assert(sizeof(Signal) == 32, "Signal changed: update the .gtr encoding, then this size");
static_assert(sizeof(ThreadExit) == 4, "ThreadExit changed: update the .gtr encoding, then this size");
static_assert(sizeof(Snapshot) == 192, "Snapshot changed: update the .gtr encoding, then this size");
static_assert(sizeof(ThreadState) == 112, "ThreadState changed: update the .gtr encoding, then this size");
static_assert(sizeof(OpenFd) == 184, "OpenFd changed: update the .gtr encoding, then this size");
static_assert(sizeof(ThreadStates) == 24, "ThreadStates changed: update the .gtr encoding, then this size");
static_assert(sizeof(TraceEnd) == 32, "TraceEnd changed: update the .gtr encoding, then this size");
static_assert(sizeof(Stack) == 64, "Stack changed: update the .gtr encoding, then this size");
static_assert(sizeof(StackFrame) == 128, "StackFrame changed: update the .gtr encoding, then this size");
static_assert(sizeof(Arg) == 48, "Arg changed: update the .gtr encoding, then this size");
#endif

// Snapshot's and ThreadStates' thread list: length-prefixed elements, so they can grow fields.
void put_threads(Encoder& w, const std::vector<ThreadState>& threads) {
  std::string elem;
  Encoder e(elem);
  w.uv(threads.size());
  for (const ThreadState& t : threads) {
    elem.clear();
    e.sv(raw(t.tid));
    e.sv(t.number);
    for (uint64_t a : t.args) e.uv(a);
    e.u8(static_cast<uint8_t>(t.state));
    e.str(t.wchan);
    e.sv(t.off_cpu_ns);
    e.sv(t.cpu_ns);
    w.str(elem);
  }
}

void put_strings(Encoder& w, const std::vector<std::string>& v) {
  w.uv(v.size());
  for (const std::string& s : v) w.str(s);
}

void put_sys(Encoder& w, Arch arch, SysNo sysno, int32_t number) {
  w.sv(number);
  if (sysno_from_number(arch, number) == sysno) {
    w.u8(static_cast<uint8_t>(SysNaming::ByNumber));
  } else if (sysno == SysNo::unknown) {
    w.u8(static_cast<uint8_t>(SysNaming::Unknown));
  } else {
    w.u8(static_cast<uint8_t>(SysNaming::ByName));
    w.str(syscall_info(sysno).name);
  }
}

void put_args(Encoder& w, const Args& args) {
  std::size_t n = args.size();
  const Arg empty{};
  while (n > 0 && args[n - 1] == empty) --n;
  w.u8(static_cast<uint8_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    w.uv(args[i].raw);
    w.u8(static_cast<uint8_t>(args[i].state));
    w.str(args[i].data);
  }
}

void put_rlimit(Encoder& w, const Rlimit& r) {
  w.uv(r.soft);
  w.uv(r.hard);
}

struct BodyEncoder {
  Encoder& w;
  Arch arch;
  Nanos ts;

  void operator()(const TraceStart& b) {
    w.sv(b.wall_clock_ns);
    w.u8(static_cast<uint8_t>(b.arch));
    w.str(b.gotrace_version);
    put_strings(w, b.command);
    w.uv(b.attached.size());
    for (int32_t p : b.attached) w.sv(p);
    w.u8(b.filtered ? 1 : 0);
    w.u8(b.quiet_files ? 1 : 0);
    w.u8(b.light ? 1 : 0);
  }
  void operator()(const SyscallEnter& b) {
    w.uv(b.call);
    put_sys(w, arch, b.sysno, b.number);
    put_args(w, b.args);
  }
  void operator()(const SyscallExit& b) {
    w.uv(b.call);
    put_sys(w, arch, b.sysno, b.number);
    w.sv(b.ret);
    w.sv(static_cast<int64_t>(static_cast<uint64_t>(ts.count()) - static_cast<uint64_t>(b.entered.count())));
    w.u8(b.entry_seen ? 1 : 0);
    put_args(w, b.args);
    w.str(b.ret_fd_target);
  }
  void operator()(const ProcessStart& b) {
    w.sv(raw(b.parent));
    put_strings(w, b.argv);
  }
  void operator()(const ThreadStart& b) { w.sv(raw(b.parent)); }
  void operator()(const Exec& b) {
    w.str(b.filename);
    put_strings(w, b.argv);
    w.sv(raw(b.former_tid));
  }
  void operator()(const Signal& b) {
    w.sv(b.signo);
    w.u8(static_cast<uint8_t>(b.stop));
    w.sv(b.code);
    w.sv(b.sender_pid);
    w.sv(b.sender_uid);
    w.sv(b.status);
    w.uv(b.addr);
  }
  void operator()(const ThreadExit& b) { w.sv(b.wait_status); }
  void operator()(const Snapshot& b) {
    put_rlimit(w, b.nofile);
    put_rlimit(w, b.nproc);
    std::string elem;  // list elements are length-prefixed, so they can grow fields too
    Encoder e(elem);
    w.uv(b.fds.size());
    for (const OpenFd& f : b.fds) {
      elem.clear();
      e.sv(f.fd);
      e.str(f.target);
      e.u8(f.tcp_state);
      e.uv(f.unacked);
      e.uv(f.retransmits);
      e.sv(f.last_send_ms);
      e.sv(f.last_recv_ms);
      e.uv(f.bytes_sent);
      e.uv(f.bytes_acked);
      e.uv(f.bytes_received);
      e.sv(f.file_size);
      e.sv(f.modified_ms);
      e.u8(static_cast<uint8_t>(f.cloexec + 1));  // 0 unknown, 1 no, 2 yes
      e.sv(f.lock_holder);
      e.str(f.lock);
      e.str(f.lock_holder_text);
      w.str(elem);
    }
    w.uv(b.env.size());
    for (const auto& [name, value] : b.env) {
      w.str(name);
      w.str(value);
    }
    put_threads(w, b.threads);
    w.str(b.cwd);
    w.str(b.exe);
    w.uv(b.filesystems.size());  // appended later: a reader stops before it in older files
    for (const Filesystem& fs : b.filesystems) {
      elem.clear();
      e.str(fs.path);
      e.str(fs.mount);
      e.str(fs.type);
      e.uv(fs.size);
      e.uv(fs.avail);
      e.uv(fs.inodes);
      e.uv(fs.inodes_free);
      e.u8(fs.read_only);
      w.str(elem);
    }
  }
  void put_usage(const Usage& u) {  // appended later: readers of older files stop before it
    w.sv(u.cpu_ns);
    w.uv(u.disk_read);
    w.uv(u.disk_written);
  }
  void operator()(const Tick& b) {
    w.uv(b.io_bytes);
    put_usage(b.usage);
  }
  void operator()(const TraceEnd& b) {
    w.u8(static_cast<uint8_t>(b.reason));
    w.sv(b.exit_status);
    put_usage(b.usage);
  }
  void operator()(const ThreadStates& b) { put_threads(w, b.threads); }
  void operator()(const Stack& b) {
    w.uv(b.call);
    w.uv(b.frames.size());
    std::string elem;
    Encoder e(elem);
    for (const StackFrame& f : b.frames) {
      elem.clear();
      e.uv(f.pc);
      e.uv(f.rel);
      e.str(f.module);
      e.str(f.function);
      e.uv(f.offset);
      e.str(f.file);
      e.sv(f.line);
      w.str(elem);
    }
    w.str(b.note);
  }
};

}  // namespace

RecordWriter::RecordWriter(std::string path, Arch arch) : path_(std::move(path)), arch_(arch) {
  std::string partial = partial_path();
  fd_ = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw SetupError("cannot create recording '" + partial + "': " + std::strerror(errno), errno);
  buf_.reserve(64 * 1024);  // grows to kFlushAt plus one event, then stays
  buf_.append(kMagic, sizeof kMagic);
  Encoder w(buf_);
  w.u16le(kFormatVersion);
  w.u8(static_cast<uint8_t>(arch_));
  w.u8(0);
  std::string_view version = GOTRACE_VERSION;
  w.u32le(static_cast<uint32_t>(version.size()));
  buf_.append(version);
  flush();
}

RecordWriter::~RecordWriter() {
  if (fd_ >= 0) {
    flush();
    ::close(fd_);
  }
}

void RecordWriter::fail(const std::string& what, int err) {
  if (error_.empty()) error_ = what + (err ? std::string(": ") + std::strerror(err) : std::string());
}

void RecordWriter::flush() {
  std::size_t done = 0;
  while (done < buf_.size() && error_.empty()) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      fail("cannot write recording '" + partial_path() + "'", n < 0 ? errno : ENOSPC);
    }
  }
  bytes_written_ += done;
  buf_.clear();
}

void RecordWriter::encode(const Event& e) {
  std::size_t start = buf_.size();
  Encoder w(buf_);
  w.u16le(static_cast<uint16_t>(
      std::visit([](const auto& b) { return TagOf<std::decay_t<decltype(b)>>::value; }, e.body)));
  w.u32le(0);  // payload_len, patched below
  int64_t ts = e.ts.count();
  w.sv(static_cast<int64_t>(static_cast<uint64_t>(ts) - static_cast<uint64_t>(prev_ts_)));
  w.sv(raw(e.pid));
  w.sv(raw(e.tid));
  std::visit(BodyEncoder{w, arch_, e.ts}, e.body);
  std::size_t len = buf_.size() - start - kRecordHeaderSize;
  if (len > kMaxPayload) {
    buf_.resize(start);
    fail("event too large to record (" + std::to_string(len) + " bytes); recording stopped", 0);
    return;
  }
  for (int i = 0; i < 4; ++i)
    buf_[start + 2 + static_cast<std::size_t>(i)] = static_cast<char>((len >> (8 * i)) & 0xff);
  prev_ts_ = ts;
  ++events_written_;
}

void RecordWriter::on_event(const Event& e) {
  if (finished_ || !error_.empty()) return;
  encode(e);
  if (buf_.size() >= kFlushAt || std::holds_alternative<Tick>(e.body)) flush();
  if (std::holds_alternative<TraceEnd>(e.body)) finish();
}

void RecordWriter::finish() {
  if (finished_) return;
  finished_ = true;
  flush();
  if (::close(fd_) != 0) fail("cannot write recording '" + partial_path() + "'", errno);
  fd_ = -1;
  if (!error_.empty()) return;
  if (std::rename(partial_path().c_str(), path_.c_str()) != 0)
    fail("cannot rename '" + partial_path() + "' to '" + path_ + "'", errno);
}

}  // namespace gotrace::record
