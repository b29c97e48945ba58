// ThreadStates (what /proc says of quiet threads) through the recording, the jsonl sink, the
// process table (calls never seen entering, busy threads) and the analyzers that use it:
// entropy, spinning, the stall fallback; plus child hangs on pipes, blocking connect, and
// the summary's errors line.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <map>

#include "diagnosis.h"
#include "analyzer_fixtures.h"
#include "event_script.h"
#include "json_check.h"
#include "jsonl_sink.h"
#include "record_writer.h"
#include "replay_source.h"
#include "summary.h"
#include "test_files.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::EventScript;
using gotrace::test::has_kind;
using gotrace::test::sockaddr_bytes;
using gotrace::test::TempDir;

namespace {

constexpr int64_t kMs = 1'000'000;
const int32_t kGetrandom = syscall_number(kHostArch, SysNo::getrandom);
const int32_t kFutex = syscall_number(kHostArch, SysNo::futex);
const int32_t kNanosleep = syscall_number(kHostArch, SysNo::clock_nanosleep);

// A thread in syscall `nr` (args), asleep for off_cpu_ms.
ThreadState in_call(int tid, int32_t nr, std::array<uint64_t, 6> args, int64_t off_cpu_ms, std::string wchan = "") {
  return ThreadState{Tid{tid}, nr, args, 'S', std::move(wchan), off_cpu_ms * kMs, 10 * kMs};
}
// A thread running in user space with `cpu_ms` of CPU time so far.
ThreadState running(int tid, int64_t cpu_ms) { return ThreadState{Tid{tid}, -1, {}, 'R', "", -1, cpu_ms * kMs}; }

EventScript& launched(EventScript& s, int pid, std::vector<std::string> argv) {
  s.start(argv).process(pid, 0, argv);
  Snapshot snap;
  snap.nofile = {1024, 1024};
  snap.fds = {{0, "/dev/null"}, {1, "/dev/null"}, {2, "/dev/null"}};
  return s.snapshot(pid, snap);
}

std::string client_hello(const std::string& sni) {
  std::string ext = std::string("\x00\x00", 2);
  uint16_t list_len = static_cast<uint16_t>(sni.size() + 3), ext_len = static_cast<uint16_t>(list_len + 2);
  for (uint16_t v : {ext_len, list_len}) ext += {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
  ext += '\0';
  ext += {static_cast<char>(sni.size() >> 8), static_cast<char>(sni.size() & 0xff)};
  ext += sni;
  std::string body = std::string("\x03\x03", 2) + std::string(32, 'r') + std::string("\x00", 1) +
                     std::string("\x00\x02\x13\x01", 4) + std::string("\x01\x00", 2);
  body += {static_cast<char>(ext.size() >> 8), static_cast<char>(ext.size() & 0xff)};
  body += ext;
  std::string hs = std::string("\x01\x00", 2) + static_cast<char>(body.size() >> 8) + static_cast<char>(body.size() & 0xff) + body;
  return std::string("\x16\x03\x01", 3) + static_cast<char>(hs.size() >> 8) + static_cast<char>(hs.size() & 0xff) + hs;
}

}  // namespace

TEST_CASE("ThreadStates round-trips through a recording and the jsonl sink", "[record][sink]") {
  EventScript s;
  s.start().process(7);
  s.after_ms(1000).thread_states(7, {in_call(7, kGetrandom, {1, 40, 0, 4, 5, ~0ull}, 2500, "random_read"),
                                     running(8, 123), ThreadState{Tid{9}, -2, {}, '?', "", -1, -1}});
  Snapshot snap;
  snap.threads = {in_call(7, kFutex, {0x10, 0x80, 0, 0, 0, 0}, 5)};
  s.snapshot(7, snap).tick().end();
  TempDir dir;
  std::string path = dir.file("t.gtr");
  {
    record::RecordWriter w(path);
    for (const Event& e : s.events()) w.on_event(e);
    REQUIRE(w.finished());
  }
  record::ReplaySource src(path);
  test::Collect c;
  src.run(c);
  REQUIRE(c.events.size() == s.events().size());
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    INFO("event " << i);
    CHECK(c.events[i] == s.events()[i]);
  }

  std::string json_path = dir.file("t.jsonl");
  {
    auto out = Output::open_file(json_path);
    sinks::JsonlSink sink(*out);
    for (const Event& e : s.events()) sink.on_event(e);
  }
  std::string text = test::read_file(json_path);
  std::size_t at = text.find("\"type\":\"thread_states\"");
  REQUIRE(at != std::string::npos);
  std::size_t begin = text.rfind('\n', at) + 1;
  std::string line = text.substr(begin, text.find('\n', at) - begin);
  auto j = test::JsonParser::parse(line);
  REQUIRE(j);
  CHECK((*j)["type"].ascii() == "thread_states");
  REQUIRE((*j)["threads"].size() == 3);
  CHECK((*j)["threads"][0]["number"].number == std::to_string(kGetrandom));
  CHECK((*j)["threads"][0]["off_cpu_ns"].number == "2500000000");
  CHECK((*j)["threads"][1]["cpu_ns"].number == "123000000");
  CHECK((*j)["threads"][1]["state"].ascii() == "R");
}

TEST_CASE("calls seen only in /proc become unseen in-flight calls, ended by a new state or a stop", "[analyzer][threads]") {
  EventScript s;
  launched(s, 10, {"prog"});
  s.thread(10, 11, 10);
  s.after_ms(100).call(10, 11, SysNo::write, {1, 0, 1}, 1);  // tid 11's last stop at 100 ms
  // At 1 s: tid 11 asleep for 0.95 s (since 50 ms, before its last stop: clamped to 100 ms),
  // tid 10 asleep for 0.4 s.
  s.after_ms(900).thread_states(10, {in_call(10, kFutex, {0x10, 0x80, 0, 0, 0, 0}, 400),
                                     in_call(11, kNanosleep, {1, 0, 0x20, 0, 0, 0}, 950)});
  ProcessTable t;
  std::size_t n = 0;
  auto play_to = [&](std::size_t end) {
    for (; n < end; ++n) t.on_event(s.events()[n]);
  };
  play_to(s.events().size());
  REQUIRE(t.in_flight(10));
  CHECK(t.in_flight(10)->unseen);
  CHECK(t.in_flight(10)->call.sysno == SysNo::futex);
  CHECK(t.in_flight(10)->entered == std::chrono::milliseconds(600));
  REQUIRE(t.in_flight(11));
  CHECK(t.in_flight(11)->entered == std::chrono::milliseconds(100));
  // The same state again: still the same call. Then tid 10 in another call (asleep 0.3 s):
  // the futex ended when it last ran.
  s.after_ms(1000).thread_states(10, {in_call(11, kNanosleep, {1, 0, 0x20, 0, 0, 0}, 1950)});
  s.after_ms(1000).thread_states(10, {in_call(10, kFutex, {0x30, 0x80, 0, 0, 0, 0}, 300)});
  play_to(s.events().size() - 1);
  CHECK(t.in_flight(11)->last_seen == std::chrono::milliseconds(2000));
  t.on_event(s.events()[n++]);
  REQUIRE(t.ended_unseen().size() == 1);
  CHECK(t.ended_unseen()[0].tid == 10);
  CHECK(t.ended_unseen()[0].ended == std::chrono::milliseconds(2700));
  CHECK(t.in_flight(10)->entered == std::chrono::milliseconds(2700));
  CHECK(t.in_flight(10)->call.args[0].raw == 0x30);
  // A traced stop of tid 11 ends its nanosleep; an exit whose entry was unseen is that call.
  s.after_ms(10).call(10, 11, SysNo::read, {0, 0, 1}, 1);
  play_to(s.events().size() - 1);
  t.on_event(s.events()[n++]);
  CHECK(t.ended_unseen().empty());  // the SyscallExit event itself
  REQUIRE(t.ended_unseen().empty());
  CHECK(t.in_flight(11) == nullptr);
  SyscallExit x;
  x.sysno = SysNo::futex;
  x.number = kFutex;
  x.entry_seen = false;
  t.on_event(Event{std::chrono::milliseconds(4000), Pid{10}, Tid{10}, x});
  CHECK(t.ended_unseen().empty());
  CHECK(t.in_flight(10) == nullptr);
}

TEST_CASE("a getrandom seen only in /proc is entropy starvation, live and after it ends", "[analyzer][entropy][threads]") {
  EventScript s;
  launched(s, 20, {"tlsself"});
  s.thread(20, 21, 20);
  std::vector<std::string> stalls;
  Diagnosis d({.stall = std::chrono::seconds(2)}, [&](const std::string& r) { stalls.push_back(r); });
  for (int i = 1; i <= 3; ++i)
    s.after_ms(1000).thread_states(20, {in_call(20, kGetrandom, {0xc000, 40, 0, 0, 0, 0}, 1000 * i - 5)}).tick();
  s.play(d);
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::StartsWith("gotrace: [no progress for 2.0 s, still running] tlsself waited 2.0 s for "
                                          "the kernel's random numbers: getrandom blocked (entropy starvation)"));
  CHECK_THAT(stalls[0], Catch::Contains("getrandom(0xc000, 40, 0) <still blocked>") &&
                            Catch::Contains("(not traced: seen in /proc/20/task/20/syscall)"));
  // The handshake goes out (from another thread) before /proc shows the call is over.
  EventScript rest;
  std::string hello = client_hello("localhost");
  rest.after_ms(3500).enter(20, 21, SysNo::write, {3, 0, hello.size()}).data(21, 1, hello);
  rest.exit(20, 21, static_cast<int64_t>(hello.size()));
  rest.after_ms(500).thread_states(20, {in_call(20, kFutex, {0x10, 0x80, 0, 0, 0, 0}, 500)}).tick().end();
  for (Event e : rest.events()) d.on_event(e);
  auto fs = d.ranked();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].verdict == "tlsself waited 3.5 s for the kernel's random numbers: getrandom blocked (entropy "
                         "starvation); the TLS handshake with localhost waited on it");
  CHECK_THAT(fs[0].evidence[0], Catch::Contains("getrandom(0xc000, 40, 0) blocked 3.5 s from 5 ms (not traced"));
}

TEST_CASE("threads burning CPU with no syscall in flight are spinning", "[analyzer][spin][threads]") {
  EventScript s;
  launched(s, 30, {"spin", "60"});
  s.thread(30, 31, 30);
  std::vector<std::string> stalls;
  Diagnosis d({.stall = std::chrono::seconds(2)}, [&](const std::string& r) { stalls.push_back(r); });
  for (int i = 1; i <= 3; ++i)
    s.after_ms(1000).thread_states(30, {running(30, 900 * i), in_call(31, kFutex, {0x10, 0x80, 0, 0, 0, 0}, 1000 * i)}).tick();
  s.play(d);
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::StartsWith("gotrace: [no progress for 2.0 s, still running] spin 60 is not blocked in "
                                          "the kernel: spinning (1 thread burning CPU, no syscall in flight)"));
  CHECK_THAT(stalls[0], Catch::Contains("tid 30: running in user space, no syscall in flight: 900 ms of CPU over 1.0 s"));
  CHECK(has_kind(d.ranked(), "spinning"));

  SECTION("it stops spinning: no finding") {
    EventScript more;
    more.after_ms(4000).thread_states(30, {in_call(30, kFutex, {0x20, 0x80, 0, 0, 0, 0}, 10)}).end();
    for (const Event& e : more.events()) d.on_event(e);
    CHECK_FALSE(has_kind(d.ranked(), "spinning"));
  }
  SECTION("a thread asleep with little CPU is not spinning") {
    Diagnosis idle({});
    EventScript q;
    launched(q, 30, {"idle"});
    for (int i = 1; i <= 3; ++i) q.after_ms(1000).thread_states(30, {running(30, 10 * i)});
    q.play(idle);
    CHECK_FALSE(has_kind(idle.ranked(), "spinning"));
  }
  SECTION("killed while spinning (Ctrl-C): the final report still says so") {
    EventScript more;
    more.after_ms(3100).thread_exit(30, 31, SIGINT).thread_exit(30, 30, SIGINT).end(EndReason::Interrupted, SIGINT);
    for (const Event& e : more.events()) d.on_event(e);
    auto fs = d.ranked();
    REQUIRE(!fs.empty());
    CHECK(fs[0].kind == "spinning");
    CHECK_THAT(fs[0].evidence[0], Catch::EndsWith("; then killed by SIGINT"));
  }
}

TEST_CASE("a spin that moves from thread to thread is one process spinning", "[analyzer][spin][threads]") {
  // Go 1.26's scheduler hands a preempted goroutine to another M: no one thread stays busy
  // for long, the process does. Each report: the thread busy before sleeps, another runs.
  EventScript s;
  launched(s, 30, {"spin", "60"});
  s.thread(30, 31, 30).thread(30, 32, 30);
  std::vector<std::string> stalls;
  Diagnosis d({.stall = std::chrono::seconds(3)}, [&](const std::string& r) { stalls.push_back(r); });
  // The work moves halfway between two reports: each thread ran 350 ms of its 700.
  const int busy[] = {30, 31, 32, 31, 30};
  std::map<int, int64_t> cpu;
  for (int i = 0; i < 5; ++i) {
    if (i > 0) cpu[busy[i - 1]] += 350, cpu[busy[i]] += 350;
    std::vector<ThreadState> ts;
    for (int t : {30, 31, 32}) {
      ThreadState st = running(t, cpu[t]);
      if (t != busy[i]) st = in_call(t, kFutex, {0x10, 0x80, 0, 0, 0, 0}, 350), st.cpu_ns = cpu[t] * kMs;
      ts.push_back(st);
    }
    s.after_ms(700).thread_states(30, ts).tick();
  }
  s.play(d);
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::Contains("spin 60 is not blocked in the kernel: spinning (1 thread burning CPU"));
  CHECK_THAT(stalls[0], Catch::Contains("tids 30, 31, 32 in turn: running in user space, no syscall in flight"));

  SECTION("a report with no thread busy ends the run") {
    EventScript more;
    std::vector<ThreadState> ts;
    for (int t : {30, 31, 32}) ts.push_back(in_call(t, kFutex, {0x20, 0x80, 0, 0, 0, 0}, 10));
    more.after_ms(700).thread_states(30, ts).end();
    for (const Event& e : more.events()) d.on_event(e);
    CHECK_FALSE(has_kind(d.ranked(), "spinning"));
  }
}

TEST_CASE("the stall fallback lists calls seen only in /proc", "[analyzer][threads]") {
  EventScript s;
  launched(s, 40, {"prog"});
  std::vector<std::string> stalls;
  Diagnosis d({.stall = std::chrono::seconds(2)}, [&](const std::string& r) { stalls.push_back(r); });
  s.after_ms(1000).thread_states(40, {in_call(40, kFutex, {0x10, 0x80, 0, 0, 0, 0}, 1000, "futex_do_wait")});
  s.after_ms(1000).tick().after_ms(1000).tick();
  s.play(d);
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::Contains("is making no progress; no known cause found. Where its threads wait:"));
  CHECK_THAT(stalls[0], Catch::Contains("prog tid 40: futex(0x10, FUTEX_WAIT_PRIVATE, 0, NULL) for 2.0 s (not traced: "
                                        "seen in /proc, in futex_do_wait)"));
}

TEST_CASE("a child holding the pipe its parent reads is named", "[analyzer][child][threads]") {
  // pipe_reader: pipe(), fork; the child dup2s the write end to stdout, closes both, execs
  // sh, which forks `sleep` in the background and exits; the parent closes its write end and
  // reads until EOF. The sleep keeps the write end.
  EventScript s;
  launched(s, 50, {"pipe_reader", "x"});
  std::string fds(8, '\0');
  int pair[2] = {3, 4};
  std::memcpy(fds.data(), pair, 8);
  s.enter(50, 50, SysNo::pipe2, {0, 0}).data(50, 0, fds).exit(50, 50, 0);
  s.process(51, 50, {"pipe_reader", "x"});
  s.call(51, 51, SysNo::dup2, {4, 1}, 1).call(51, 51, SysNo::close, {3}, 0).call(51, 51, SysNo::close, {4}, 0);
  s.exec(51, 51, {"sh", "-c", "echo started; sleep 30 &"});
  s.process(52, 51, {"sh", "-c", "echo started; sleep 30 &"}).exec(52, 52, {"sleep", "30"});
  s.call(50, 50, SysNo::close, {4}, 0);
  s.call(50, 50, SysNo::read, {3, 0, 256}, 8);
  s.thread_exit(51, 51, 0);
  s.enter(50, 50, SysNo::read, {3, 0, 256});
  s.after_ms(1000).thread_states(52, {in_call(52, kNanosleep, {0, 0, 0x10, 0, 0, 0}, 1000)});
  s.after_ms(2000).tick();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "child_holds_pipe");
  CHECK(fs[0].verdict == "pipe_reader x is waiting for the end of a pipe that sleep 30 (pid 52) still holds open, "
                         "left behind by sh -c echo started; sleep 30 & (pid 51, exited)");
  CHECK_THAT(fs[0].evidence[0], Catch::Contains("fd 3 is the read end of a pipe: blocked in read(3, ...) for 3.0 s"));
  CHECK_THAT(fs[0].evidence[1], Catch::StartsWith("pid 52 sleep 30 holds fd 1 (the write end); it is in clock_nanosleep("));

  SECTION("once the holder closes it, nothing is reported") {
    EventScript more;
    more.after_ms(10).call(52, 52, SysNo::close, {1}, 0);
    for (const Event& e : more.events()) d.on_event(e);
    CHECK_FALSE(has_kind(d.ranked(), "child_holds_pipe"));
  }
  SECTION("Go's way: EAGAIN, then the goroutine parks in the netpoller") {
    EventScript go;
    launched(go, 60, {"go", "get"});
    go.enter(60, 60, SysNo::pipe2, {0, O_CLOEXEC}).data(60, 0, fds).exit(60, 60, 0);
    go.process(61, 60, {"go", "get"}).call(61, 61, SysNo::dup3, {4, 1, 0}, 1).exec(61, 61, {"git", "fetch"});
    go.call(60, 60, SysNo::close, {4}, 0).call(60, 62, SysNo::read, {3, 0, 512}, -EAGAIN);
    go.after_ms(5000).tick();
    Diagnosis g({});
    go.play(g);
    // git fetch is go's own child, running, writing its output there: working, no finding.
    CHECK_FALSE(has_kind(g.ranked(), "child_holds_pipe"));
    CHECK_FALSE(has_kind(g.ranked(), "child_output_wait"));
    // Blocked reading its socket to the remote (issue 16.8): named by what it waits for,
    // with advice for that, not the background-process one.
    go.call(61, 61, SysNo::socket, {AF_INET, SOCK_STREAM, 0}, 5);
    go.enter(61, 61, SysNo::connect, {5, 0x10, 16}).entry_data(61, 1, sockaddr_bytes("192.0.2.7", 443)).exit(61, 61, 0);
    go.enter(61, 61, SysNo::read, {5, 0, 4096});
    go.after_ms(4000).tick();
    Diagnosis g2({});
    go.play(g2);
    auto gfs = g2.ranked();
    REQUIRE(!gfs.empty());
    CHECK(gfs[0].kind == "child_output_wait");
    CHECK(gfs[0].verdict == "go get is reading the output of its child git fetch (pid 61), which is blocked in read, "
                            "waiting for data from 192.0.2.7:443");
    CHECK_THAT(gfs[0].tries[0], Catch::StartsWith("check the server at 192.0.2.7:443; for git, GIT_TRACE=1"));
    CHECK_THAT(gfs[0].tries[0], !Catch::Contains("background"));
  }
}

TEST_CASE("a blocking connect still in the kernel is a connect wait", "[analyzer][net]") {
  EventScript s;
  launched(s, 70, {"git", "fetch"});
  s.call(70, 70, SysNo::socket, {AF_INET, SOCK_STREAM, 0}, 3);
  s.enter(70, 70, SysNo::connect, {3, 0x10, 16}).entry_data(70, 1, sockaddr_bytes("10.255.0.1", 22));
  s.after_ms(12000).tick();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "tcp_connect");
  CHECK_THAT(fs[0].verdict, Catch::StartsWith("git fetch is stuck: TCP connect to VCS server 10.255.0.1:22 (direct) has "
                                              "not completed for 12.0 s"));
  CHECK(fs[0].evidence[0] == "fd 3 TCP -> 10.255.0.1:22: blocked in connect() for 12.0 s");

  SECTION("it connects: a fast connect is no finding") {
    Diagnosis fast({});
    EventScript f;
    launched(f, 70, {"curl"});
    f.call(70, 70, SysNo::socket, {AF_INET, SOCK_STREAM, 0}, 3);
    f.enter(70, 70, SysNo::connect, {3, 0x10, 16}).entry_data(70, 1, sockaddr_bytes("127.0.0.1", 80));
    f.after_ms(5).exit(70, 70, 0).after_ms(5000).tick().end();
    f.play(fast);
    CHECK(fast.ranked().empty());
  }
}

TEST_CASE("summary: real errors apart from expected ones, below the unchanged table", "[summary]") {
  EventScript s;
  s.start().process(10);
  for (int i = 0; i < 3; ++i) s.call(10, 10, SysNo::read, {3, 0, 1}, -EAGAIN);
  s.call(10, 10, SysNo::connect, {3, 0, 16}, -EINPROGRESS);
  s.call(10, 10, SysNo::futex, {0, 0, 0}, -ETIMEDOUT);
  s.call(10, 10, SysNo::epoll_ctl, {4, 1, 5}, -EPERM);
  s.call(10, 10, SysNo::openat, {0, 0, 0}, -ENOENT).call(10, 10, SysNo::openat, {0, 0, 0}, -ENOENT);
  s.call(10, 10, SysNo::connect, {6, 0, 16}, -ECONNREFUSED);
  s.call(10, 10, SysNo::read, {3, 0, 1}, 1).end();
  Summary sum(SortKey::Time, SyscallFilter{});
  s.play(sum);
  CHECK(sum.error_breakdown() ==
        "errors: 3 real: openat ENOENT 2, connect ECONNREFUSED 1 / 6 expected (non-blocking I/O, futex timeouts, "
        "interrupted calls): read EAGAIN 3, connect EINPROGRESS 1, futex ETIMEDOUT 1, epoll_ctl EPERM 1\n");
  CHECK_THAT(sum.table(), Catch::Contains("        9 total\n"));  // the table still counts every error
  Summary none(SortKey::Time, SyscallFilter{});
  EventScript ok;
  ok.start().process(1).call(1, 1, SysNo::read, {0, 0, 1}, 1).end();
  ok.play(none);
  CHECK(none.error_breakdown().empty());
}

TEST_CASE("a call in progress at attach keeps its start when the kernel restarts it", "[analyzer][threads]") {
  const int32_t kRead = syscall_number(kHostArch, SysNo::read);
  EventScript s;
  s.start().process(80, 0, {"pipe_reader"});
  Snapshot snap;
  snap.threads = {in_call(80, kRead, {3, 0x100, 256, 0, 0, 0}, 5000, "anon_pipe_read")};
  s.after_ms(1000).snapshot(80, snap);
  ProcessTable t;
  s.play(t);
  REQUIRE(t.in_flight(80));
  CHECK(t.in_flight(80)->unseen);
  CHECK(t.in_flight(80)->entered == std::chrono::milliseconds(-4000));
  // Seizing interrupted it; the restarted read enters with the same arguments.
  EventScript more;
  more.after_ms(1010).enter(80, 80, SysNo::read, {3, 0x100, 256});
  for (const Event& e : more.events()) t.on_event(e);
  REQUIRE(t.in_flight(80));
  CHECK_FALSE(t.in_flight(80)->unseen);
  CHECK(t.in_flight(80)->entered == std::chrono::milliseconds(-4000));
  CHECK(t.ended_unseen().empty());
}
