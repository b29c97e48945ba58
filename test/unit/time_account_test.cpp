// Where the time went (time_account.h): the network phases NetworkWait records, from seen
// calls and from the kernel's TCP facts, and the verdict of a run that waits dominate.
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <sys/file.h>
#include <sys/random.h>

#include <catch2/catch.hpp>

#include "analyzer_fixtures.h"
#include "diagnosis.h"
#include "event_script.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::EventScript;
using gotrace::test::has_kind;
using gotrace::test::sockaddr_bytes;

namespace {

using std::chrono::milliseconds;

// `go mod download` with GOPROXY=http://127.0.0.1:8999, connected on fd 7.
EventScript connected() {
  EventScript s;
  s.start({"go", "mod", "download"}).process(40, 0, {"go", "mod", "download"});
  Snapshot launch;
  launch.fds = {{0, "/dev/null"}};
  launch.env = {{"GOPROXY", "http://127.0.0.1:8999"}};
  s.snapshot(40, launch);
  s.call(40, 40, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, 7);
  s.enter(40, 40, SysNo::connect, {7, 0x10, 16}).data(40, 1, sockaddr_bytes("127.0.0.1", 8999)).exit(40, 40, -EINPROGRESS);
  return s;
}

uint64_t request(EventScript& s, const std::string& path) {  // -> bytes written
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:8999\r\n\r\n";
  s.enter(40, 40, SysNo::write, {7, 0x50, req.size()}).data(40, 1, req).exit(40, 40, static_cast<int64_t>(req.size()));
  return req.size();
}

void answer(EventScript& s, std::size_t bytes) {
  s.enter(40, 40, SysNo::read, {7, 0x60, 4096}).data(40, 1, std::string(bytes, 'x')).exit(40, 40, static_cast<int64_t>(bytes));
}

struct Report {
  std::vector<Finding> findings;
  std::string text;
};

Report run(EventScript& s) {
  s.end();
  Diagnosis d(DiagnosisOptions{});
  s.play(d);
  return {d.ranked(), d.text_report()};
}

const Finding* find(const std::vector<Finding>& fs, const std::string& kind) {
  for (const Finding& f : fs)
    if (f.kind == kind) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("union_of counts overlapping intervals once", "[analyzer][account]") {
  auto ms = [](int64_t v) { return Nanos(milliseconds(v)); };
  CHECK(union_of({}) == Nanos{0});
  CHECK(union_of({{ms(0), ms(10)}, {ms(5), ms(15)}, {ms(20), ms(30)}}) == ms(25));
  CHECK(union_of({{ms(20), ms(30)}, {ms(0), ms(100)}}) == ms(100));
  CHECK(union_of({{ms(-50), ms(-10)}, {ms(-20), ms(0)}}) == ms(50));  // before an attach
}

TEST_CASE("a download slowed by three 4 s answers and a slow .zip gets a verdict that says so", "[analyzer][account]") {
  EventScript s = connected();
  s.after_ms(1);
  for (const char* path : {"/x.org/m/@v/v1.0.0.mod", "/x.org/m/@v/v1.0.0.info", "/x.org/m/@v/v1.0.0.zip"}) {
    request(s, path);
    s.after_ms(4000);
    answer(s, 200);
    s.after_ms(1);
  }
  for (int i = 0; i < 20; ++i) s.after_ms(300).tick(100), answer(s, 150);  // 3000 bytes in 6 s
  Report r = run(s);
  const Finding* f = find(r.findings, "slow_network");
  INFO(r.text);
  REQUIRE(f);
  CHECK(r.findings.front().kind == "slow_network");  // no wait reached a finding of its own
  CHECK(f->verdict ==
        "go mod download took 18.0 s: 12.0 s waiting for module proxy 127.0.0.1:8999 (GOPROXY entry 1 of 1) "
        "to start answering (3 requests, 4.0 s each), 6.0 s receiving 3200 bytes of x.org/m@v1.0.0 (.zip) "
        "from it (533 B/s)");
  CHECK_THAT(r.text, Catch::Contains("\n  time: 18.0 s in all; network 18.0 s; child processes none\n"));
  CHECK_THAT(r.text, Catch::Contains("    module proxy 127.0.0.1:8999 (GOPROXY entry 1 of 1): 1 connection, 3600 bytes "
                                     "received; connect 1.0 ms (1); waiting for answers 12.0 s (3 requests, longest "
                                     "4.0 s); receiving 3600 bytes in 6.0 s (600 B/s)\n"));
}

TEST_CASE("a quick download is healthy and the account names its peer", "[analyzer][account]") {
  EventScript s = connected();
  request(s, "/x.org/m/@v/list");
  s.after_ms(3);
  answer(s, 500);
  s.after_ms(100);
  Report r = run(s);
  CHECK(r.findings.empty());
  CHECK_THAT(r.text, Catch::StartsWith("gotrace: no problem found"));
  CHECK_THAT(r.text, Catch::Contains("module proxy 127.0.0.1:8999 (GOPROXY entry 1 of 1): 1 connection, 500 bytes "
                                     "received; connect 0.0 ms (1); waiting for answers 3.0 ms (1 request)\n"));
}

TEST_CASE("waits that do not dominate a run that took seconds give no verdict", "[analyzer][account]") {
  EventScript s = connected();
  request(s, "/x.org/m/@v/v1.0.0.zip");
  s.after_ms(1500);
  answer(s, 500);
  SECTION("computing after the download: network 1.5 s of 4.5 s, CPU 2.9 s") {
    for (int i = 0; i < 3; ++i) s.after_ms(1000).tick_usage(0, Usage{950'000'000, 0, 0});
    Report r = run(s);
    CHECK_FALSE(has_kind(r.findings, "slow_network"));
    CHECK_THAT(r.text, Catch::Contains("network 1.5 s; child processes none; CPU 2.9 s"));
  }
  SECTION("a child process ran longer than the network waited") {
    s.process(41, 40, {"git", "fetch"}).after_ms(2500).thread_exit(41, 41, 0).after_ms(500);
    Report r = run(s);
    CHECK_FALSE(has_kind(r.findings, "slow_network"));
    CHECK_THAT(r.text, Catch::Contains("network 1.5 s; child processes 2.5 s"));
  }
  SECTION("under a quarter of the run, with nothing else measured") {
    s.after_ms(5000);
    Report r = run(s);
    CHECK_FALSE(has_kind(r.findings, "slow_network"));
    CHECK_THAT(r.text, Catch::Contains("time: 6.5 s in all; network 1.5 s; child processes none\n"));
  }
}

TEST_CASE("a run a loaded machine stretched still names the waits that are most of what it measured", "[analyzer][account]") {
  // 12 s of answers held 4 s each in a 40 s run whose CPU was 2.6 s: the rest is no one's
  // measured time (the traced threads waiting for a CPU after each ptrace stop).
  EventScript s = connected();
  for (const char* path : {"/x.org/m/@v/v1.0.0.mod", "/x.org/m/@v/v1.0.0.info", "/x.org/m/@v/v1.0.0.zip"}) {
    request(s, path);
    s.after_ms(4000);
    answer(s, 200);
    s.after_ms(1);
  }
  for (int i = 0; i < 28; ++i) s.after_ms(1000).tick_usage(0, Usage{i < 26 ? 100'000'000 : 0, 0, 0});
  Report r = run(s);
  INFO(r.text);
  const Finding* f = find(r.findings, "slow_network");
  REQUIRE(f);
  CHECK(f->verdict == "go mod download took 40.0 s: 12.0 s waiting for module proxy 127.0.0.1:8999 (GOPROXY entry 1 "
                      "of 1) to start answering (3 requests, 4.0 s each)");
  CHECK_THAT(r.text, Catch::Contains("  time: 40.0 s in all; network 12.0 s; child processes none; CPU 2.6 s"));
}

TEST_CASE("light mode: the kernel's facts at each tick bound a wait that ended unseen", "[analyzer][account][snapshot]") {
  EventScript s = connected();
  const uint64_t first = request(s, "/x.org/m/@v/v1.0.0.info");  // seen: the connection's window
  s.after_ms(2);
  answer(s, 300);
  // Then unseen: a request at 1.0 s (kernel: 165 bytes more sent), still waiting at the
  // snapshots of 2.0 s and 3.0 s, answered at 5.1 s (kernel: 250 bytes more received).
  auto facts = [](int64_t now_ms, int64_t sent_at, uint64_t sent, int64_t got_at, uint64_t got) {
    OpenFd f{7, "TCP:[127.0.0.1:41156->127.0.0.1:8999] ESTABLISHED"};
    f.tcp_state = TCP_ESTABLISHED;
    f.last_send_ms = now_ms - sent_at;
    f.bytes_sent = sent;
    f.bytes_acked = sent + 1;
    f.last_recv_ms = now_ms - got_at;
    f.bytes_received = got;
    Snapshot snap;
    snap.fds = {{0, "/dev/null"}, f};
    return snap;
  };
  for (int64_t at : {2000, 3000, 4000}) {
    s.after_ms(at == 2000 ? 1998 : 1000);
    s.snapshot(40, facts(at, 1000, first + 165, 2, 300));
  }
  s.after_ms(2000);
  s.snapshot(40, facts(6000, 1000, first + 165, 5100, 550));  // answered, over by now
  Report r = run(s);
  CHECK_THAT(r.text, Catch::Contains("waiting for answers 4.1 s (2 requests, longest 4.1 s)"));
  CHECK_THAT(r.text, Catch::Contains("1 connection, 550 bytes received"));
}

TEST_CASE("the account counts file lock waits and blocking getrandom, seen or from /proc", "[analyzer][account]") {
  EventScript s;
  s.start({"go", "mod", "download"}).process(40, 0, {"go", "mod", "download"}).thread(40, 41, 40);
  // Seen: a 3 s flock(LOCK_EX) and two getrandom calls of 1 s, on two threads at once.
  s.enter(40, 40, SysNo::flock, {3, LOCK_EX}).after_ms(3000).exit(40, 40, 0);
  s.enter(40, 40, SysNo::getrandom, {0x10, 32, 0});
  s.enter(40, 41, SysNo::getrandom, {0x20, 32, 0}).after_ms(1000).exit(40, 41, 32).exit(40, 40, 32);
  // A non-blocking getrandom is no wait.
  s.enter(40, 41, SysNo::getrandom, {0x30, 8, GRND_NONBLOCK}).after_ms(500).exit(40, 41, 8);
  s.end();
  Report r = run(s);
  CHECK_THAT(r.text, Catch::Contains("  time: 4.5 s in all; network none seen; child processes none; file lock waits "
                                     "3.0 s (1); getrandom 1.0 s (2 calls)\n"));
}

TEST_CASE("the account has the CPU time and storage I/O the processes used", "[analyzer][account]") {
  EventScript s;
  s.start({"go", "build"}).process(40, 0, {"go", "build"});
  s.after_ms(1000).tick_usage(100, Usage{1'500'000'000, 0, 30'000'000});
  s.after_ms(1000).tick_usage(100, Usage{1'700'000'000, 2'000'000, 10'000'000});
  s.after_ms(500);
  s.thread_exit(40, 40, 0);
  s.end_usage(0, Usage{800'000'000, 0, 0});
  Diagnosis d(DiagnosisOptions{});
  s.play(d);
  CHECK_THAT(d.text_report(), Catch::Contains("  time: 2.5 s in all; network none seen; child processes none; CPU 4.0 s "
                                              "(1.6 CPUs on average); storage 2.0 MB read, 40.0 MB written\n"));
}
