// strace log import: real logs (test/data/strace, made by make_fixtures.sh) give the call
// and error counts of strace's own -C table, and the events carry what the lines say.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "gotrace/error.h"
#include "strace_import.h"
#include "strace_line.h"
#include "test_files.h"

using namespace gotrace;
using namespace gotrace::record;
using gotrace::test::Collect;
using gotrace::test::TempDir;

namespace {

struct Count {
  uint64_t calls = 0, errors = 0;
  bool operator==(const Count&) const = default;
};
using Counts = std::map<std::string, Count>;

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  for (const auto& [name, n] : c) os << name << " " << n.calls << "/" << n.errors << "\n";
  return os;
}

// The -C table at the end of the log: calls and errors per syscall.
Counts table_counts(const std::string& log) {
  Counts counts;
  std::istringstream in(log);
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with("% time")) in_table = true;
    if (!in_table || line.starts_with("%") || line.starts_with("-")) continue;
    std::istringstream row(line);
    std::vector<std::string> cols;
    for (std::string col; row >> col;) cols.push_back(col);
    if (cols.size() < 5 || cols.back() == "total") continue;
    counts[cols.back()] = {std::stoull(cols[3]), cols.size() == 6 ? std::stoull(cols[4]) : 0};
  }
  return counts;
}

// What gotrace's summary counts: every SyscallExit, failed ones as errors.
Counts imported_counts(const std::vector<Event>& events) {
  Counts counts;
  for (const Event& e : events)
    if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
      Count& c = counts[syscall_info(x->sysno).name];
      ++c.calls;
      if (x->failed()) ++c.errors;
    }
  return counts;
}

std::vector<Event> import(const std::string& path, uint64_t* skipped = nullptr) {
  StraceLogSource src(path);
  Collect c;
  src.run(c);
  if (skipped) *skipped = src.skipped_lines();
  return c.events;
}

template <typename T>
std::vector<std::pair<Event, T>> all(const std::vector<Event>& events) {
  std::vector<std::pair<Event, T>> v;
  for (const Event& e : events)
    if (const auto* b = std::get_if<T>(&e.body)) v.emplace_back(e, *b);
  return v;
}

std::string fixture(const char* name) { return test::data_dir() + "/strace/" + name; }

std::vector<Event> import_text(const TempDir& dir, const std::string& text, uint64_t* skipped = nullptr,
                               std::vector<uint64_t>* lines = nullptr) {
  std::string path = dir.file("log.txt");
  test::write_file(path, text);
  StraceLogSource src(path);
  Collect c;
  src.run(c);
  if (skipped) *skipped = src.skipped_lines();
  if (lines) *lines = src.first_skipped();
  return c.events;
}

}  // namespace

TEST_CASE("imported call and error counts equal strace's -C table", "[strace]") {
  for (const char* name : {"fileio.log", "threads.log", "ttt.log", "bracket.log"}) {
    INFO(name);
    std::string path = fixture(name);
    uint64_t skipped = 99;
    std::vector<Event> events = import(path, &skipped);
    CHECK(skipped == 0);
    Counts expected = table_counts(test::read_file(path));
    REQUIRE(expected.size() > 10);
    CHECK(imported_counts(events) == expected);
    REQUIRE(events.size() > 2);
    CHECK(std::holds_alternative<TraceStart>(events.front().body));
    CHECK(std::holds_alternative<TraceEnd>(events.back().body));
  }
}

TEST_CASE("strace import: processes, exits, signals, errors and -yy data", "[strace]") {
  std::vector<Event> ev = import(fixture("fileio.log"));
  auto starts = all<ProcessStart>(ev);
  REQUIRE(starts.size() == 3);  // the program and its two forks
  int32_t main_pid = raw(starts[0].first.pid);
  CHECK(starts[0].second.parent == Pid{0});
  CHECK(starts[0].second.argv == std::vector<std::string>{"/tmp/gotrace-fixtures/fileio"});
  CHECK(starts[1].second.parent == Pid{main_pid});
  CHECK(all<ThreadStart>(ev).empty());

  auto exits = all<ThreadExit>(ev);
  REQUIRE(exits.size() == 3);
  CHECK(exits[0].second.wait_status == 3 << 8);
  CHECK(exits[1].second.wait_status == SIGKILL);
  CHECK(exits[2].second.wait_status == 0);
  const auto& end = std::get<TraceEnd>(ev.back().body);
  CHECK(end.reason == EndReason::AllExited);
  CHECK(end.exit_status == 0);

  auto sigs = all<Signal>(ev);
  REQUIRE(sigs.size() == 3);
  CHECK(sigs[0].second.signo == SIGCHLD);
  CHECK(sigs[0].second.code == CLD_EXITED);
  CHECK(sigs[0].second.sender_pid == raw(starts[1].first.pid));
  CHECK(sigs[0].second.status == 3);
  CHECK(sigs[1].second.signo == SIGALRM);
  CHECK(sigs[1].second.code == SI_KERNEL);
  CHECK(sigs[2].second.status == SIGKILL);

  auto execs = all<Exec>(ev);
  REQUIRE(execs.size() == 1);
  CHECK(execs[0].second.filename == "/tmp/gotrace-fixtures/fileio");
  CHECK(execs[0].second.former_tid == Tid{main_pid});

  bool saw_write = false, saw_restart = false, saw_refused = false, saw_accept = false;
  for (const auto& [e, x] : all<SyscallExit>(ev)) {
    if (x.sysno == SysNo::write && x.args[0].data == "/tmp/gotrace-fixture.txt") {
      saw_write = true;
      CHECK(x.args[1].data == "line \"one\"\n\ttab\\ \x01\xff end");
      CHECK(x.args[1].state == ArgState::Captured);
      CHECK(x.args[0].raw == 3);
      CHECK(x.args[2].raw == 23);
      CHECK(x.ret == 23);
    }
    if (x.sysno == SysNo::read && x.ret == -512) saw_restart = true;  // ERESTARTSYS
    if (x.sysno == SysNo::connect && x.ret == -ECONNREFUSED) {
      saw_refused = true;
      CHECK_THAT(x.args[0].data, Catch::StartsWith("TCP:["));
      sockaddr_in sin{};
      REQUIRE(x.args[1].data.size() == sizeof sin);
      std::memcpy(&sin, x.args[1].data.data(), sizeof sin);
      CHECK(sin.sin_family == AF_INET);
      CHECK(ntohs(sin.sin_port) == 1);
      CHECK(ntohl(sin.sin_addr.s_addr) == INADDR_LOOPBACK);
      CHECK(x.args[1].raw == strace::kUnknownAddress);  // not NULL
    }
    if (x.sysno == SysNo::pipe2) {
      REQUIRE(x.args[0].data.size() > 8);
      int32_t fds[2];
      std::memcpy(fds, x.args[0].data.data(), 8);
      CHECK(fds[0] == 3);
      CHECK(fds[1] == 4);
      std::string targets = x.args[0].data.substr(8);  // "pipe:[N]\0pipe:[N]\0"
      CHECK(std::count(targets.begin(), targets.end(), '\0') == 2);
      CHECK_THAT(targets, Catch::StartsWith("pipe:["));
    }
    if (x.sysno == SysNo::prlimit64) {
      uint64_t lim[2];
      REQUIRE(x.args[3].data.size() == sizeof lim);
      std::memcpy(lim, x.args[3].data.data(), sizeof lim);
      CHECK(lim[0] == 8192 * 1024);
      CHECK(lim[1] == RLIM_INFINITY);
      CHECK(x.args[1].raw == RLIMIT_STACK);
    }
    if (x.sysno == SysNo::getsockname) CHECK(x.args[2].data == std::string("\x10\0\0\0\x10\0\0\0", 8));
    if (x.sysno == SysNo::accept) {
      saw_accept = true;
      CHECK_THAT(x.ret_fd_target, Catch::Matches(R"(TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\])"));
    }
    CHECK(e.ts >= x.entered);
  }
  CHECK(saw_write);
  CHECK(saw_restart);
  CHECK(saw_refused);
  CHECK(saw_accept);
}

TEST_CASE("strace import: threads and unfinished/resumed pairs", "[strace]") {
  for (const char* name : {"threads.log", "bracket.log"}) {
    INFO(name);
    std::vector<Event> ev = import(fixture(name));
    auto procs = all<ProcessStart>(ev);
    REQUIRE(procs.size() == 1);
    int32_t pid = raw(procs[0].first.pid);
    auto threads = all<ThreadStart>(ev);
    REQUIRE(threads.size() == 4);
    for (const auto& [e, t] : threads) {
      CHECK(raw(e.pid) == pid);
      CHECK(t.parent == Tid{pid});
    }
    for (const Event& e : ev)
      if (raw(e.tid) != 0) CHECK(raw(e.pid) == pid);
    // Every exit pairs with the entry of the same call on the same thread.
    std::map<uint64_t, Event> enters;
    for (const auto& [e, s] : all<SyscallEnter>(ev)) enters.emplace(s.call, e);
    for (const auto& [e, x] : all<SyscallExit>(ev)) {
      auto it = enters.find(x.call);
      REQUIRE(it != enters.end());
      CHECK(it->second.tid == e.tid);
      CHECK(it->second.ts == x.entered);
      CHECK(std::get<SyscallEnter>(it->second.body).sysno == x.sysno);
    }
    CHECK(all<ThreadExit>(ev).size() == 5);
  }
}

TEST_CASE("strace import: -ttt without -T, short strings, exit status", "[strace]") {
  std::string path = fixture("ttt.log");
  std::vector<Event> ev = import(path);
  std::string log = test::read_file(path);
  std::size_t sp = log.find(' ');
  std::string first_stamp = log.substr(log.find_first_not_of(' ', sp), 17);
  const auto& start = std::get<TraceStart>(ev.front().body);
  CHECK(std::to_string(start.wall_clock_ns / 1000) == first_stamp.substr(0, 10) + first_stamp.substr(11, 6));
  CHECK(start.command.size() == 3);  // ["/bin/sh", "-c", "echo hi "...]
  bool truncated_string = false;
  for (std::size_t i = 1; i < ev.size(); ++i) {
    const auto* x = std::get_if<SyscallExit>(&ev[i].body);
    if (!x) continue;
    // No -T: a call printed on one line has no duration.
    const auto* enter = std::get_if<SyscallEnter>(&ev[i - 1].body);
    if (enter && enter->call == x->call) CHECK(ev[i].ts == x->entered);
    if (x->sysno == SysNo::execve) truncated_string |= x->args[1].state == ArgState::Truncated;
  }
  CHECK(truncated_string);
  CHECK(std::get<TraceEnd>(ev.back().body).exit_status == 2 << 8);
}

TEST_CASE("strace import: synthetic lines", "[strace]") {
  TempDir dir;
  SECTION("bad lines are skipped and counted, never thrown") {
    uint64_t skipped = 0;
    std::vector<uint64_t> lines;
    std::vector<Event> ev = import_text(dir,
        "1 00:00:01.000000 getpid() = 1 <0.000001>\n"
        "this is not strace\n"
        "1 00:00:01.000100 frobnicate(1) = 0\n"
        "1 00:00:01.000200 close(3) = -1 EWHATEVER (Bad)\n"
        "\n"
        "1 00:00:01.000300 +++ exited with 0 +++\n",
        &skipped, &lines);
    CHECK(skipped == 3);
    CHECK(lines == std::vector<uint64_t>{2, 3, 4});
    CHECK(all<SyscallExit>(ev).size() == 1);
  }
  SECTION("-tt times, -T durations and midnight") {
    std::vector<Event> ev = import_text(dir,
        "7 23:59:59.900000 nanosleep({tv_sec=0, tv_nsec=200000000}, NULL) = 0 <0.200000>\n"
        "7 00:00:00.100500 read(0, \"a)\\\" = 1\", 10) = 7 <0.000500>\n"
        "7 00:00:00.200000 exit_group(0) = ?\n"
        "7 00:00:00.200100 +++ exited with 0 +++\n");
    auto x = all<SyscallExit>(ev);
    REQUIRE(x.size() == 2);
    CHECK(x[0].first.ts == std::chrono::milliseconds(200));
    CHECK(x[0].second.entered == Nanos(0));
    CHECK(x[1].second.entered == Nanos(200'500'000));
    CHECK(x[1].second.args[1].data == "a)\" = 1");
    CHECK(all<SyscallEnter>(ev).size() == 3);  // exit_group never returns
  }
  SECTION("a call whose result strace could not read is counted, one that never returned is not") {
    // From a real `go build` log: a thread woke from nanosleep as exit_group killed it.
    std::vector<Event> ev = import_text(dir,
        "9 00:00:01.000000 nanosleep({tv_sec=0, tv_nsec=20000},  <unfinished ...>\n"
        "8 00:00:01.000001 futex(0x1, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>\n"
        "7 00:00:01.000010 exit_group(0) = ?\n"
        "9 00:00:01.000020 <... nanosleep resumed>) = ? <unavailable>\n"
        "8 00:00:01.000030 <... futex resumed>) = ?\n"
        "7 00:00:01.000100 +++ exited with 0 +++\n");
    auto x = all<SyscallExit>(ev);
    REQUIRE(x.size() == 1);
    CHECK(x[0].second.sysno == SysNo::nanosleep);
    CHECK(x[0].second.ret == 0);
    CHECK(all<SyscallEnter>(ev).size() == 3);
  }
  SECTION("an unreadable result carries the error the thread's previous call left (strace's u_error)") {
    // strace 6.1 counts such a call with its thread's stale tcp->u_error: one go build under
    // go1.26 gave sched_yield 1 error in strace's own -C table this way.
    std::vector<Event> ev = import_text(dir,
        "9 00:00:01.000000 futex(0x1, FUTEX_WAKE_PRIVATE, 1) = 1\n"
        "9 00:00:01.000001 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = ? <unavailable>\n"
        "8 00:00:01.000002 futex(0x1, FUTEX_WAIT_PRIVATE, 0, NULL) = -1 EAGAIN (Resource temporarily unavailable)\n"
        "8 00:00:01.000003 sched_yield( <unfinished ...>\n"
        "7 00:00:01.000010 exit_group(0) = ?\n"
        "8 00:00:01.000020 <... sched_yield resumed>) = ? <unavailable>\n"
        "7 00:00:01.000100 +++ exited with 0 +++\n");
    auto x = all<SyscallExit>(ev);
    REQUIRE(x.size() == 4);
    CHECK(x[1].second.sysno == SysNo::nanosleep);
    CHECK(x[1].second.ret == 0);  // after a call that succeeded
    CHECK(x[3].second.sysno == SysNo::sched_yield);
    CHECK(x[3].second.ret == -EAGAIN);  // after one that failed
  }
  SECTION("no pid prefixes, no timestamps") {
    std::vector<Event> ev = import_text(dir,
        "execve(\"/bin/true\", [\"true\"], 0x7ffc /* 3 vars */) = 0\n"
        "close(3)                                = -1 EBADF (Bad file descriptor)\n"
        "exit_group(0)                           = ?\n"
        "+++ exited with 0 +++\n");
    auto starts = all<ProcessStart>(ev);
    REQUIRE(starts.size() == 1);
    CHECK(starts[0].first.pid == Pid{1});
    CHECK(starts[0].second.argv == std::vector<std::string>{"true"});
    for (const Event& e : ev) CHECK(e.ts == Nanos(0));
    CHECK(all<SyscallExit>(ev).size() == 2);
    CHECK(std::get<TraceEnd>(ev.back().body).exit_status == 0);
  }
  SECTION("resumed without its head, superseded exec, attach") {
    std::vector<Event> ev = import_text(dir,
        "strace: Process 50 attached\n"
        "50 <... futex resumed>) = 0 <1.000000>\n"
        "51 execve(\"/bin/true\", [\"true\"], 0x1 /* 2 vars */ <unfinished ...>\n"
        "50 +++ superseded by execve in pid 51 +++\n"
        "50 <... execve resumed>) = 0 <0.000100>\n"
        "50 +++ killed by SIGSEGV (core dumped) +++\n");
    auto starts = all<ProcessStart>(ev);
    REQUIRE(starts.size() == 1);
    CHECK(std::get<TraceStart>(ev.front().body).attached == std::vector<int32_t>{50});
    auto x = all<SyscallExit>(ev);
    REQUIRE(x.size() == 2);
    CHECK_FALSE(x[0].second.entry_seen);
    auto execs = all<Exec>(ev);
    REQUIRE(execs.size() == 1);
    CHECK(execs[0].first.tid == Tid{50});
    CHECK(execs[0].second.former_tid == Tid{51});
    CHECK(execs[0].second.argv == std::vector<std::string>{"true"});
    CHECK(all<ThreadExit>(ev).back().second.wait_status == (SIGSEGV | 0x80));
  }
}

TEST_CASE("strace lines are taken apart", "[strace]") {
  using namespace gotrace::record::strace;
  ParsedLine p = parse_line("[pid  12] 10:00:00.5 openat(AT_FDCWD</>, \"/etc/x\", O_RDONLY|O_CLOEXEC) = 3</etc/x> <0.25>", false);
  CHECK(p.kind == LineKind::Call);
  CHECK(p.pid == 12);
  CHECK(p.time_ns == 36'000'500'000'000);
  CHECK(p.ret == 3);
  CHECK(p.ret_note == "/etc/x");
  CHECK(p.dur_ns == 250'000'000);
  Args a;
  parse_args(p.args, SysNo::openat, true, a);
  CHECK(static_cast<int64_t>(a[0].raw) == -100);
  CHECK(a[0].data == "/");
  CHECK(a[1].data == "/etc/x");
  CHECK(a[2].raw == (O_RDONLY | O_CLOEXEC));
  p = parse_line(R"(9 connect(3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), )"
                 R"(inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (x))", false);
  CHECK(p.ret == -EINPROGRESS);
  parse_args(p.args, SysNo::connect, true, a);
  sockaddr_in6 sin6{};
  REQUIRE(a[1].data.size() == sizeof sin6);
  std::memcpy(&sin6, a[1].data.data(), sizeof sin6);
  CHECK(ntohs(sin6.sin6_port) == 443);
  CHECK(IN6_IS_ADDR_LOOPBACK(&sin6.sin6_addr));
  parse_args(R"(3, {sa_family=AF_UNIX, sun_path="/run/a b"}, 110)", SysNo::connect, false, a);
  CHECK(a[1].data == std::string("\x01\0/run/a b\0", 11));
  parse_args("3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]", SysNo::getsockopt, true, a);
  CHECK(a[1].raw == SOL_SOCKET);
  CHECK(a[2].raw == SO_ERROR);
  CHECK(a[3].data == std::string("\x6f\0\0\0", 4));
  parse_args("3, NULL, [128 => 16]", SysNo::accept, true, a);
  CHECK(a[2].data == std::string("\x10\0\0\0\x80\0\0\0", 8));
  p = parse_line("1 read(3, 0x10, 5) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)", false);
  CHECK(p.ret == -512);
  CHECK(parse_line("100.00    0.000012           0        10         1 total", true).kind == LineKind::Summary);
  CHECK(parse_line("--- stopped by SIGTSTP ---", false).kind == LineKind::GroupStop);
}

TEST_CASE("an unreadable strace log is an error", "[strace]") {
  TempDir dir;
  CHECK_THROWS_AS(StraceLogSource(dir.file("missing.log")), RecordFormatError);
  CHECK_THROWS_AS(StraceLogSource(test::data_dir()), RecordFormatError);
  std::string empty = dir.file("empty.log");
  std::ofstream{empty};
  try {
    StraceLogSource{empty};
    FAIL("an empty log was accepted");
  } catch (const RecordFormatError& e) {
    CHECK(std::string(e.what()) == empty + ": empty file, not an strace log");
  }
}
