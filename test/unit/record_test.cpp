// The .gtr recording: every event kind round-trips, a file cut at any byte replays its whole
// records and says it was truncated, and bad files fail with the file name and offset.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "event_script.h"
#include "gotrace/error.h"
#include "gotrace/record_format.h"
#include "record_codec.h"
#include "record_writer.h"
#include "replay_source.h"
#include "test_files.h"

using namespace gotrace;
using namespace gotrace::record;
using gotrace::test::Collect;
using gotrace::test::TempDir;

namespace {

Args some_args() {
  Args a;
  a[0] = {3, "TCP:[127.0.0.1:1->127.0.0.1:2]", ArgState::Captured};
  a[1] = {0x7ffd12345678, std::string("bin\0ary\xff\x80", 9), ArgState::Truncated};
  a[2] = {~0ull, "", ArgState::Unreadable};
  a[3] = {static_cast<uint64_t>(-100), "", ArgState::Raw};
  return a;
}

// One event of every body kind, with values at the edges of their encodings.
std::vector<Event> every_kind() {
  std::vector<Event> v;
  auto at = [](int64_t ns) { return Nanos(ns); };
  v.push_back({at(0), Pid{0}, Tid{0},
               TraceStart{1'700'000'000'123'456'789, Arch::X86_64, "0.1.0", {"go", "mod", "download"}, {42, -1},
                          true}});
  v.push_back({at(5), Pid{100}, Tid{100}, ProcessStart{Pid{0}, {"go", "", std::string("a\0b", 3)}}});
  v.push_back({at(6), Pid{100}, Tid{101}, ThreadStart{Tid{100}}});
  v.push_back({at(10), Pid{100}, Tid{101}, SyscallEnter{1, SysNo::read, 0, some_args()}});
  SyscallExit x{1, SysNo::read, 0, -11, at(10), true, some_args(), "/etc/passwd"};
  v.push_back({at(1'000'000'010), Pid{100}, Tid{101}, x});
  // A row whose number differs on the header arch: recorded by name.
  v.push_back({at(1'000'000'020), Pid{100}, Tid{100}, SyscallEnter{2, SysNo::openat, 999, {}}});
  // Unknown syscall numbers and an exit whose entry was never seen.
  v.push_back({at(1'000'000'030), Pid{100}, Tid{100},
               SyscallExit{3, SysNo::unknown, 463, INT64_MIN, at(-5), false, {}, ""}});
  v.push_back({at(1'000'000'040), Pid{100}, Tid{100},
               Exec{"/usr/bin/go", {"go", "build"}, Tid{101}}});
  v.push_back({at(1'000'000'050), Pid{100}, Tid{100},
               Signal{23, SignalStop::Delivery, -6, 100, 1000, 0, 0}});
  v.push_back({at(1'000'000'051), Pid{100}, Tid{100},
               Signal{19, SignalStop::GroupStop, INT32_MIN, INT32_MAX, -1, 9, ~0ull}});
  Snapshot snap;
  snap.nofile = {1024, 524288};
  snap.fds = {{0, "/dev/pts/0"}, {3, "socket:[123]"}};
  OpenFd& tcp = snap.fds[1];  // the kernel's TCP facts, at the edges of their encodings
  tcp.tcp_state = 255;
  tcp.unacked = UINT32_MAX;
  tcp.retransmits = 7;
  tcp.last_send_ms = 2100;
  tcp.last_recv_ms = -1;
  tcp.bytes_sent = 312;
  tcp.bytes_acked = ~0ull;
  tcp.bytes_received = 0;
  snap.fds[0].file_size = 0;  // the file facts
  snap.fds[0].modified_ms = INT64_MAX;
  tcp.cloexec = 1;
  snap.fds[0].cloexec = 0;  // fd 0 read as not close-on-exec; fd 3 left unknown would be -1
  snap.env = {{"GOPROXY", "off"}, {"GOFLAGS", ""}};
  snap.threads = {ThreadState{Tid{100}, 202, {1, 2, 3, 4, 5, ~0ull}, 'S', "futex_wait_queue", 1234567}};
  snap.cwd = "/work";
  snap.exe = "/usr/bin/go";
  snap.filesystems = {Filesystem{"/m/mod/x.zip123.tmp", "/m", "tmpfs", 1 << 20, 0, 256, 3, true}};
  v.push_back({at(1'000'000'060), Pid{100}, Tid{100}, snap});
  v.push_back({at(2'000'000'000), Pid{0}, Tid{0}, Tick{}});
  v.push_back({at(2'000'000'001), Pid{100}, Tid{101}, ThreadExit{9}});
  v.push_back({at(2'000'000'002), Pid{100}, Tid{100}, ThreadExit{3 << 8}});
  v.push_back({at(2'000'000'003), Pid{0}, Tid{0}, TraceEnd{EndReason::AllExited, 3 << 8}});
  return v;
}

std::string write_recording(const TempDir& dir, const std::vector<Event>& events, const char* name = "t.gtr") {
  std::string path = dir.file(name);
  RecordWriter w(path);
  for (const Event& e : events) w.on_event(e);
  REQUIRE(w.finished());
  REQUIRE(w.error().empty());
  return path;
}

std::vector<Event> replay(const std::string& path, bool* truncated = nullptr) {
  ReplaySource src(path);
  Collect c;
  src.run(c);
  if (truncated) *truncated = src.truncated();
  return c.events;
}

// Offsets where each record starts, and the file size at the end.
std::vector<std::size_t> record_offsets(const std::string& bytes) {
  std::size_t at = kFixedHeaderSize + load_u32le(reinterpret_cast<const unsigned char*>(bytes.data()) + 12);
  std::vector<std::size_t> offs;
  while (at + kRecordHeaderSize <= bytes.size()) {
    offs.push_back(at);
    at += kRecordHeaderSize + load_u32le(reinterpret_cast<const unsigned char*>(bytes.data()) + at + 2);
  }
  offs.push_back(at);
  return offs;
}

std::string error_of(const std::string& path) {
  try {
    replay(path);
  } catch (const RecordFormatError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("every event kind round-trips through a recording", "[record]") {
  TempDir dir;
  std::vector<Event> events = every_kind();
  std::string path = write_recording(dir, events);
  CHECK_FALSE(std::filesystem::exists(path + ".partial"));
  bool truncated = true;
  std::vector<Event> back = replay(path, &truncated);
  CHECK_FALSE(truncated);
  REQUIRE(back.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i);
    CHECK(back[i] == events[i]);
  }
  ReplaySource src(path);
  CHECK(src.arch() == kHostArch);
  CHECK(src.format_version() == kFormatVersion);
}

TEST_CASE("an EventScript trace round-trips and replays twice", "[record]") {
  test::EventScript s;
  s.start().process(7).thread(7, 8, 7);
  s.enter(7, 8, SysNo::futex, {0x1000, 0x80, 0, 0}).enter(7, 7, SysNo::read, {3, 0x2000, 1});
  s.after_ms(1500).data(7, 1, "x").exit(7, 7, 1).signal(7, 7, 23).tick();
  s.thread_exit(7, 8, 0).thread_exit(7, 7, 0).end();
  TempDir dir;
  std::string path = write_recording(dir, s.events());
  ReplaySource src(path);
  Collect a, b;
  src.run(a);
  src.run(b);
  CHECK(a.events == s.events());
  CHECK(b.events == s.events());
  CHECK(src.events_read() == s.events().size());
}

TEST_CASE("the recording is compact", "[record]") {
  test::EventScript s;
  s.start().process(1000);
  for (int i = 0; i < 1000; ++i) s.after(Nanos(1500)).call(1000, 1000, SysNo::getpid, {}, 1000);
  s.end();
  TempDir dir;
  std::string path = write_recording(dir, s.events());
  auto size = std::filesystem::file_size(path);
  CHECK(size < 2000 * 20);  // under 20 bytes per syscall event, record header included
}

TEST_CASE("a recording without TraceEnd stays .partial and replays as truncated", "[record]") {
  TempDir dir;
  std::string path = dir.file("killed.gtr");
  std::vector<Event> events = every_kind();
  events.pop_back();  // no TraceEnd: gotrace was killed
  {
    RecordWriter w(path);
    for (const Event& e : events) w.on_event(e);
  }
  CHECK_FALSE(std::filesystem::exists(path));
  bool truncated = false;
  std::vector<Event> back = replay(path + ".partial", &truncated);
  CHECK(truncated);
  REQUIRE(back.size() == events.size() + 1);
  CHECK(std::equal(events.begin(), events.end(), back.begin()));
  CHECK(back.back() == Event{events.back().ts, Pid{0}, Tid{0}, TraceEnd{EndReason::Truncated, -1}});
}

TEST_CASE("a recording cut at every byte of its last records replays the whole ones", "[record]") {
  TempDir dir;
  std::vector<Event> events = every_kind();
  std::string bytes = test::read_file(write_recording(dir, events));
  std::vector<std::size_t> offs = record_offsets(bytes);
  REQUIRE(offs.size() == events.size() + 1);
  REQUIRE(offs.back() == bytes.size());
  std::string cut_path = dir.file("cut.gtr");
  std::size_t first_cut = offs[offs.size() - 6];  // the last five records
  for (std::size_t cut = first_cut; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    test::write_file(cut_path, std::string_view(bytes).substr(0, cut));
    std::size_t whole = static_cast<std::size_t>(std::upper_bound(offs.begin() + 1, offs.end(), cut) - offs.begin() - 1);
    bool truncated = false;
    std::vector<Event> back;
    REQUIRE_NOTHROW(back = replay(cut_path, &truncated));
    CHECK(truncated);
    REQUIRE(back.size() == whole + 1);
    CHECK(std::equal(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(whole), back.begin()));
    const auto* end = std::get_if<TraceEnd>(&back.back().body);
    REQUIRE(end);
    CHECK(end->reason == EndReason::Truncated);
  }
}

TEST_CASE("a corrupt record in the middle names the file and the offset", "[record]") {
  TempDir dir;
  std::string bytes = test::read_file(write_recording(dir, every_kind()));
  std::vector<std::size_t> offs = record_offsets(bytes);
  std::size_t victim = offs[4];  // the SyscallExit with arguments
  std::string path = dir.file("bad.gtr");
  auto patch_len = [&](uint32_t len) {
    std::string b = bytes;
    for (int i = 0; i < 4; ++i) b[victim + 2 + static_cast<std::size_t>(i)] = static_cast<char>(len >> (8 * i));
    test::write_file(path, b);
  };
  SECTION("payload shorter than its fields") {
    patch_len(static_cast<uint32_t>(offs[5] - offs[4] - kRecordHeaderSize - 1));
    CHECK_THAT(error_of(path), Catch::StartsWith(path + ": corrupt record at offset " + std::to_string(victim) + ": "));
  }
  SECTION("impossible payload length") {
    patch_len(0xffffffff);
    CHECK_THAT(error_of(path), Catch::Contains("corrupt record at offset " + std::to_string(victim)));
  }
  SECTION("enum byte out of range") {
    std::string b = bytes;
    std::size_t end_rec = offs[offs.size() - 2];  // TraceEnd: ... u8 reason, sv status, usage
    b[offs.back() - 6] = 9;  // exit_status 768 takes two varint bytes, the zero usage three
    test::write_file(path, b);
    CHECK(error_of(path) == path + ": corrupt record at offset " + std::to_string(end_rec) + ": bad end reason");
  }
}

TEST_CASE("unknown tags are skipped and trailing fields ignored", "[record]") {
  TempDir dir;
  std::vector<Event> events = every_kind();
  std::string bytes = test::read_file(write_recording(dir, events));
  std::vector<std::size_t> offs = record_offsets(bytes);
  // A future record kind, with its ts delta, between records 2 and 3; and a future field
  // appended to record 3 (ThreadStart).
  std::string payload, future;
  Encoder p(payload);
  p.sv(1);  // dts: later records' times are relative to this one
  p.sv(100);
  p.sv(100);
  p.u8(0xaa);
  Encoder w(future);
  w.u16le(77);
  w.u32le(static_cast<uint32_t>(payload.size()));
  future += payload;
  std::string extended = bytes.substr(offs[2], offs[3] - offs[2]) + "\x01";
  extended[2] = static_cast<char>(extended[2] + 1);
  // The ThreadStart after the future record carries dts - 1 so its ts is unchanged.
  REQUIRE(static_cast<unsigned char>(extended[6]) == 2);  // zigzag(+1)
  extended[6] = 0;
  std::string b = bytes.substr(0, offs[2]) + future + extended + bytes.substr(offs[3]);
  std::string path = dir.file("future.gtr");
  test::write_file(path, b);
  ReplaySource src(path);
  Collect c;
  src.run(c);
  CHECK(c.events == events);
  CHECK(src.records_skipped() == 1);
}

TEST_CASE("files that are not recordings fail clearly", "[record]") {
  TempDir dir;
  std::string good = test::read_file(write_recording(dir, every_kind()));
  std::string path = dir.file("x.gtr");
  SECTION("empty") {
    test::write_file(path, "");
    CHECK(error_of(path) == path + ": empty file, not a gotrace recording");
  }
  SECTION("bad magic") {
    test::write_file(path, "execve(\"/bin/true\", [\"true\"], 0x7ffc /* 1 var */) = 0\n");
    CHECK(error_of(path) == path + ": not a gotrace recording (bad magic)");
  }
  SECTION("newer version") {
    std::string b = good;
    b[8] = 2;
    test::write_file(path, b);
    CHECK_THAT(error_of(path), Catch::Contains("format version 2 is newer than this gotrace reads (1)"));
  }
  SECTION("cut inside the header") {
    test::write_file(path, good.substr(0, 12));
    CHECK_THAT(error_of(path), Catch::Contains("ends inside the recording header"));
  }
  SECTION("missing") {
    CHECK_THAT(error_of(dir.file("nope.gtr")), Catch::Contains("nope.gtr: cannot open"));
  }
}

TEST_CASE("the writer reports a file it cannot create", "[record]") {
  CHECK_THROWS_AS(RecordWriter("/nonexistent-dir/x/t.gtr"), SetupError);
}

TEST_CASE("failed opens leave no file descriptor behind", "[record]") {
  TempDir dir;
  std::string path = dir.file("bad.gtr");
  test::write_file(path, "not a recording");
  auto open_fds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{});
  };
  auto before = open_fds();
  for (int i = 0; i < 50; ++i) CHECK_THROWS_AS(ReplaySource(path), RecordFormatError);
  CHECK(open_fds() == before);
}

// test/data/record/v1_every_kind.gtr was written by format version 1 from every_kind().
// Readers must keep reading it. If every_kind() later sets a field added after v1, compare
// that field at its default here instead. GOTRACE_UPDATE_GOLDEN=1 rewrites the file (only
// when the format version is still 1).
TEST_CASE("a version 1 recording stays readable", "[record]") {
  std::string fixture = test::data_dir() + "/record/v1_every_kind.gtr";
  std::vector<Event> expected = every_kind();
  std::get<TraceStart>(expected[0].body).filtered = false;  // appended after the fixture
  std::get<TraceStart>(expected[0].body).quiet_files = false;
  OpenFd& tcp = std::get<Snapshot>(expected[10].body).fds[1];  // TCP facts: appended after it
  tcp = OpenFd{tcp.fd, tcp.target};
  OpenFd& file = std::get<Snapshot>(expected[10].body).fds[0];
  file = OpenFd{file.fd, file.target};
  std::get<Snapshot>(expected[10].body).fds[0].cloexec = -1;  // the flags: appended later still
  std::get<Snapshot>(expected[10].body).filesystems.clear();   // and the filesystems
  if (std::getenv("GOTRACE_UPDATE_GOLDEN") && kFormatVersion == 1) {
    std::filesystem::create_directories(test::data_dir() + "/record");
    RecordWriter w(fixture);
    for (const Event& e : expected) w.on_event(e);
  }
  bool truncated = true;
  std::vector<Event> back = replay(fixture, &truncated);
  CHECK_FALSE(truncated);
  CHECK(back == expected);
}

TEST_CASE("a recording replays from a pipe", "[record]") {
  TempDir dir;
  std::vector<Event> events = every_kind();
  std::string bytes = test::read_file(write_recording(dir, events));
  int p[2];
  REQUIRE(pipe(p) == 0);
  REQUIRE(write(p[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));  // < pipe buffer
  close(p[1]);
  {
    ReplaySource src("/proc/self/fd/" + std::to_string(p[0]));
    Collect c;
    src.run(c);
    CHECK(c.events == events);
  }
  close(p[0]);
}
