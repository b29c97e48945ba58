// Analyzers on scripted event sequences: each cause named, with its evidence; healthy
// sequences report nothing.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

#include "diagnosis.h"
#include "analyzer_fixtures.h"
#include "event_script.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::EventScript;
using gotrace::test::has_kind;
using gotrace::test::sockaddr_bytes;

namespace {

std::string rlimit_bytes(uint64_t soft, uint64_t hard) {
  std::string b(16, '\0');
  std::memcpy(b.data(), &soft, 8);
  std::memcpy(b.data() + 8, &hard, 8);
  return b;
}

// A launched command's start: process, snapshot with limits, fds 0-2 and environment.
EventScript& launched(EventScript& s, int pid, uint64_t nofile, std::vector<std::pair<std::string, std::string>> env = {}) {
  s.start({"go", "mod", "download"}).process(pid, 0, {"/usr/bin/go", "mod", "download"});
  Snapshot snap;
  snap.nofile = {nofile, nofile};
  snap.fds = {{0, "/dev/null"}, {1, "/dev/pts/0"}, {2, "/dev/pts/0"}};
  snap.env = std::move(env);
  s.snapshot(pid, snap);
  return s;
}

}  // namespace

TEST_CASE("EMFILE names the fd count against RLIMIT_NOFILE", "[analyzer][fd]") {
  EventScript s;
  launched(s, 100, 64);
  for (int fd = 3; fd < 64; ++fd)
    s.enter(100, 100, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDONLY})
        .data(100, 1, "/root/go/pkg/mod/cache/x" + std::to_string(fd))
        .exit(100, 100, fd);
  s.enter(100, 101, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDONLY | O_CLOEXEC})
      .data(101, 1, "/etc/hosts").exit(100, 101, -EMFILE);
  s.end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "fd_exhaustion");
  CHECK(fs[0].severity == Severity::Error);
  CHECK_THAT(fs[0].verdict, Catch::Contains("EMFILE") && Catch::Contains("64 fds open, RLIMIT_NOFILE 64"));
  CHECK_THAT(fs[0].evidence[1], Catch::Contains("61 under the module cache"));
  CHECK_THAT(d.text_report(), Catch::StartsWith("gotrace: go mod download ran out of file descriptors"));
}

TEST_CASE("fd usage over 80% warns; close and exec (CLOEXEC) free fds", "[analyzer][fd]") {
  EventScript s;
  launched(s, 7, 20);
  for (int fd = 3; fd < 17; ++fd)
    s.call(7, 7, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY | O_CLOEXEC}, fd);
  s.end();
  Diagnosis warn({});
  s.play(warn);
  REQUIRE(has_kind(warn.ranked(), "fd_near_limit"));

  EventScript t;
  launched(t, 7, 20);
  for (int round = 0; round < 5; ++round) {  // fd reuse after close never accumulates
    for (int fd = 3; fd < 15; ++fd) t.call(7, 7, SysNo::openat, {0, 0, O_RDONLY | O_CLOEXEC}, fd);
    for (int fd = 3; fd < 15; ++fd) t.call(7, 7, SysNo::close, {static_cast<uint64_t>(fd)}, 0);
  }
  for (int fd = 3; fd < 15; ++fd) t.call(7, 7, SysNo::openat, {0, 0, O_RDONLY | O_CLOEXEC}, fd);
  t.exec(7, 7, {"git", "fetch"});  // exec closes them all
  for (int fd = 3; fd < 8; ++fd) t.call(7, 7, SysNo::openat, {0, 0, O_RDONLY}, fd);
  t.end();
  Diagnosis fine({});
  t.play(fine);
  CHECK(fine.ranked().empty());
  CHECK(fine.table().process(7)->fds.size() == 8);
}

TEST_CASE("Go raising its soft limit is followed (prlimit64)", "[analyzer][fd]") {
  EventScript s;
  launched(s, 9, 10);
  s.enter(9, 9, SysNo::prlimit64, {0, 7 /* RLIMIT_NOFILE */, 0x10, 0}).data(9, 2, rlimit_bytes(4096, 4096)).exit(9, 9, 0);
  for (int fd = 3; fd < 30; ++fd) s.call(9, 9, SysNo::openat, {0, 0, 0}, fd);
  s.end();
  Diagnosis d({});
  s.play(d);
  CHECK(d.ranked().empty());
  CHECK(d.table().process(9)->nofile.soft == 4096);
}

TEST_CASE("blocking getrandom is entropy starvation; GRND_NONBLOCK is not", "[analyzer][entropy]") {
  EventScript s;
  launched(s, 5, 1024);
  s.enter(5, 5, SysNo::getrandom, {0x1000, 8, GRND_NONBLOCK}).after_ms(500).exit(5, 5, 8);
  s.enter(5, 6, SysNo::getrandom, {0x2000, 32, 0}).after_ms(3000).exit(5, 6, 32);
  s.end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "entropy");
  CHECK(fs[0].tid == 6);
  CHECK_THAT(fs[0].verdict, Catch::Contains("3.0 s") && Catch::Contains("getrandom"));
}

TEST_CASE("a getrandom still blocked is reported while the stall lasts", "[analyzer][entropy]") {
  EventScript s;
  launched(s, 5, 1024);
  s.enter(5, 5, SysNo::getrandom, {0x2000, 32, 0});
  std::vector<std::string> stalls;
  Diagnosis d({}, [&](const std::string& r) { stalls.push_back(r); });
  for (int i = 0; i < 12; ++i) s.after_ms(1000).tick();
  s.play(d);
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::StartsWith("gotrace: [no progress for 1"));
  CHECK_THAT(stalls[0], Catch::Contains("getrandom blocked"));
}

TEST_CASE("a getrandom interrupted by signals and restarted is one wait (Go >= 1.24, vDSO)", "[analyzer][entropy]") {
  // Go >= 1.24 makes getrandom from the vDSO without telling its scheduler, so sysmon's
  // SIGURG interrupts the blocked call every 10 ms; the kernel restarts it (ERESTARTSYS).
  EventScript s;
  launched(s, 5, 1024);
  s.thread(5, 6, 5);
  std::vector<std::string> stalls;
  for (int i = 0; i < 300; ++i) s.enter(5, 6, SysNo::getrandom, {0x2000, 32, 0}).after_ms(10).exit(5, 6, -512);
  s.enter(5, 6, SysNo::getrandom, {0x3000, 32, 0}).after_ms(10).exit(5, 6, -512);  // another buffer: a new wait
  for (int i = 0; i < 150; ++i) s.enter(5, 6, SysNo::getrandom, {0x3000, 32, 0}).after_ms(10).exit(5, 6, -512);
  s.enter(5, 6, SysNo::getrandom, {0x3000, 32, 0});
  Diagnosis d({}, [&](const std::string& r) { stalls.push_back(r); });
  s.after_ms(1200).tick();
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "entropy");
  // 3.0 s on the first buffer; the second wait is 1.5 s of restarts plus 1.2 s still blocked.
  CHECK_THAT(fs[0].verdict, Catch::Contains("waited 5.7 s"));
  REQUIRE(fs[0].evidence.size() >= 2);
  CHECK_THAT(fs[0].evidence[0], Catch::Contains("getrandom(0x2000, 32, 0) blocked") &&
                                    Catch::Contains("blocked 3.0 s") && Catch::Contains("restarted 300x"));
  bool still = false;
  for (const std::string& ev : fs[0].evidence)
    if (ev.find("<still blocked> blocked 2.7 s") != std::string::npos &&
        ev.find("(interrupted by signals and restarted 151x)") != std::string::npos)
      still = true;
  CHECK(still);
}

TEST_CASE("a report between a restart's exit and its entry: still blocked", "[analyzer][entropy]") {
  EventScript s;
  launched(s, 5, 1024);
  s.thread(5, 6, 5);
  for (int i = 0; i < 150; ++i) s.enter(5, 6, SysNo::getrandom, {0x2000, 32, 0}).after_ms(10).exit(5, 6, -512);
  s.after_ms(5);
  Diagnosis d({});
  s.tick();
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(fs.size() == 1);
  CHECK_THAT(fs[0].verdict, Catch::Contains("waited 1.5 s"));
  CHECK_THAT(fs[0].evidence[0], Catch::Contains("getrandom(0x2000, 32, 0) <still blocked> blocked 1.5 s") &&
                                    Catch::Contains("restarted 150x"));
}

TEST_CASE("short getrandom calls that each return are no wait", "[analyzer][entropy]") {
  EventScript s;
  launched(s, 5, 1024);
  for (int i = 0; i < 100; ++i) s.enter(5, 6, SysNo::getrandom, {0x2000, 32, 0}).after_ms(10).exit(5, 6, 32);
  s.end();
  Diagnosis d({});
  s.play(d);
  CHECK(d.ranked().empty());
}

TEST_CASE("pidfds from pidfd_open and clone(CLONE_PIDFD) are in the fd table", "[analyzer][fd]") {
  EventScript s;
  launched(s, 5, 1024);
  s.call(5, 5, SysNo::pidfd_open, {5, 0}, 11);
  std::string ptid(4, '\0');
  int32_t fd = 12;
  std::memcpy(ptid.data(), &fd, 4);
  s.enter(5, 5, SysNo::clone, {0x100 | 0x1000 | 0x4000 | 17, 0, 0x40, 0, 0}).data(5, 2, ptid).exit(5, 5, 77);
  s.call(5, 5, SysNo::close, {11}, 0);
  s.call(5, 5, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x10, O_RDONLY}, -EMFILE);
  s.end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "fd_exhaustion");
  bool counted = false;
  for (const std::string& ev : fs[0].evidence)
    if (ev.find("1 pidfds (child processes)") != std::string::npos) counted = true;
  CHECK(counted);
}

TEST_CASE("a parent in waitid(P_PIDFD) on a blocked child: the child and its call are named", "[analyzer][child]") {
  EventScript s;
  launched(s, 5, 1024);
  std::string ptid(4, '\0');
  int32_t fd = 12;
  std::memcpy(ptid.data(), &fd, 4);
  s.enter(5, 5, SysNo::clone, {0x100 | 0x1000 | 0x4000 | 17, 0, 0x40, 0, 0}).data(5, 2, ptid).exit(5, 5, 77);
  s.process(77, 5, {"git", "ls-remote", "https://example.com/x"});
  s.enter(5, 5, SysNo::waitid, {3, 12, 0x80, 4, 0});
  s.enter(77, 77, SysNo::read, {0, 0x1000, 1024});
  std::vector<std::string> stalls;
  Diagnosis d({}, [&](const std::string& r) { stalls.push_back(r); });
  for (int i = 0; i < 11; ++i) s.after_ms(1000).tick();
  s.play(d);
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::Contains("go mod download is waiting for its child git ls-remote "
                                        "https://example.com/x (pid 77) to exit, and it is blocked in read"));
  CHECK_THAT(stalls[0], Catch::Contains("waitid(P_PIDFD, 12, "));
  CHECK_THAT(stalls[0], Catch::Contains("pid 77 git ls-remote https://example.com/x: read(0, "));
}

TEST_CASE("a parent waiting for a child that computes is no finding", "[analyzer][child]") {
  EventScript s;
  launched(s, 5, 1024);
  s.process(77, 5, {"compile"});
  s.enter(5, 5, SysNo::wait4, {77, 0x80, 0, 0});
  s.after_ms(5000).tick();
  s.end(EndReason::Interrupted);
  Diagnosis d({});
  s.play(d);
  for (const Finding& f : d.ranked()) CHECK(f.kind != "child_wait");
}

TEST_CASE("a toolchain switch waiting on the proxy is named as the Go toolchain download", "[analyzer][net]") {
  EventScript s;
  launched(s, 40, 1024, {{"GOPROXY", "http://127.0.0.1:8999"}});
  s.thread(40, 41, 40);
  s.call(40, 41, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, 7);
  s.enter(40, 41, SysNo::connect, {7, 0x10, 16}).data(41, 1, sockaddr_bytes("127.0.0.1", 8999)).exit(40, 41, -EINPROGRESS);
  s.enter(40, 41, SysNo::getsockopt, {7, SOL_SOCKET, SO_ERROR, 0x30, 0x40}).data(41, 3, std::string(4, '\0')).exit(40, 41, 0);
  std::string req = "GET /golang.org/toolchain/@v/v0.0.1-go1.27.3.linux-amd64.zip HTTP/1.1\r\nHost: 127.0.0.1:8999\r\n\r\n";
  s.enter(40, 41, SysNo::write, {7, 0x50, req.size()}).data(41, 1, req).exit(40, 41, static_cast<int64_t>(req.size()));
  s.call(40, 41, SysNo::read, {7, 0x60, 4096}, -EAGAIN);
  for (int i = 0; i < 12; ++i) s.after_ms(1000).tick();
  s.end(EndReason::Interrupted);
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "toolchain_no_response");
  CHECK_THAT(fs[0].verdict, Catch::Contains("is stuck downloading the Go toolchain go1.27.3 (go.mod asks for it, "
                                            "GOTOOLCHAIN=auto): no response for 12.0 s from module proxy "
                                            "127.0.0.1:8999 (GOPROXY entry 1 of 1)"));
  REQUIRE(!fs[0].tries.empty());
  CHECK_THAT(fs[0].tries[0], Catch::Contains("needs go1.27.3: install it, or set GOTOOLCHAIN=local"));
}

TEST_CASE("HTTP request to the module proxy with no response", "[analyzer][net]") {
  EventScript s;
  launched(s, 40, 1024, {{"GOPROXY", "http://127.0.0.1:8999,direct"}});
  s.thread(40, 41, 40).thread(40, 42, 40);
  s.call(40, 41, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, 7);
  s.enter(40, 41, SysNo::connect, {7, 0x10, 16}).data(41, 1, sockaddr_bytes("127.0.0.1", 8999)).exit(40, 41, -EINPROGRESS);
  s.enter(40, 42, SysNo::epoll_pwait, {4, 0x20, 128, static_cast<uint64_t>(-1)});
  s.after_ms(2);
  s.enter(40, 41, SysNo::getsockopt, {7, SOL_SOCKET, SO_ERROR, 0x30, 0x40}).data(41, 3, std::string(4, '\0')).exit(40, 41, 0);
  std::string req = "GET /golang.org/x/text/@v/v0.3.7.zip HTTP/1.1\r\nHost: 127.0.0.1:8999\r\n\r\n";
  s.enter(40, 41, SysNo::write, {7, 0x50, req.size()}).data(41, 1, req).exit(40, 41, static_cast<int64_t>(req.size()));
  s.call(40, 41, SysNo::read, {7, 0x60, 4096}, -EAGAIN);  // benign: Go's netpoller waits
  for (int i = 0; i < 42; ++i) s.after_ms(1000).tick();
  s.end(EndReason::Interrupted);
  std::vector<std::string> stalls;
  Diagnosis d({}, [&](const std::string& r) { stalls.push_back(r); });
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "http_no_response");
  CHECK_THAT(fs[0].verdict, Catch::Contains("no response for 42.0 s from module proxy 127.0.0.1:8999 (GOPROXY entry 1 of 2)"));
  CHECK_THAT(fs[0].verdict, Catch::Contains("after `GET /golang.org/x/text/@v/v0.3.7.zip`"));
  CHECK_THAT(fs[0].verdict, Catch::Contains("will not end by itself"));
  CHECK_THAT(fs[0].evidence[1], Catch::Contains("netpoller thread 42 in epoll_pwait(timeout=-1)"));
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::Contains("no response for 10.0 s from module proxy"));
}

TEST_CASE("without GOPROXY (a strace log), the proxy is known by its request path", "[analyzer][net]") {
  // As imported from `strace -s 32`: no environment, the request line cut at 32 bytes.
  auto run = [](const std::string& captured) {
    EventScript s;
    s.start({"go", "mod", "download"}).process(40, 0, {"/usr/bin/go", "mod", "download"});
    s.call(40, 40, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, 7);
    s.enter(40, 40, SysNo::connect, {7, 0x10, 16}).data(40, 1, sockaddr_bytes("127.0.0.1", 8999)).exit(40, 40, 0);
    s.enter(40, 40, SysNo::write, {7, 0x50, 142}).data(40, 1, captured).exit(40, 40, 142);
    for (int i = 0; i < 20; ++i) s.after_ms(1000).tick();
    s.end(EndReason::Interrupted);
    Diagnosis d({}, nullptr);
    s.play(d);
    auto fs = d.ranked();
    REQUIRE(!fs.empty());
    return fs[0].verdict;
  };
  CHECK_THAT(run("GET /github.com/cpuguy83/go-md2m"),
             Catch::Contains("from module proxy 127.0.0.1:8999 (by its request path) after `GET /github.com/cpuguy83/go-md2m...`"));
  // A whole request of the module proxy protocol.
  CHECK_THAT(run("GET /example.com/m/@v/list HTTP/1.1\r\nHost: 127.0.0.1:8999\r\n\r\n"),
             Catch::Contains("from module proxy 127.0.0.1:8999 (by its request path) after `GET /example.com/m/@v/list`"));
  // Not the protocol: the peer alone.
  std::string other = run("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8999\r\n\r\n");
  CHECK_THAT(other, Catch::Contains("from 127.0.0.1:8999 after `GET /index.html`"));
  CHECK_THAT(other, !Catch::Contains("module proxy"));
  // A request line in proxy form (issue 16.7): the peer is a forward proxy, by the line alone.
  CHECK_THAT(run("GET http://proxy.golang.org/example.com/m/@v/list HTTP/1.1\r\nHost: proxy.golang.org\r\n\r\n"),
             Catch::Contains("from forward proxy 127.0.0.1:8999 (asked for proxy.golang.org) after `GET "
                             "http://proxy.golang.org/example.com/m/@v/list`"));
  CHECK_THAT(run("GET http://proxy.golang.org/exa"),  // cut by strace -s 32
             Catch::Contains("from forward proxy 127.0.0.1:8999 (asked for proxy.golang.org)"));
  CHECK_THAT(run("CONNECT sum.golang.org:443 HTTP/1.1\r\nHost: sum.golang.org:443\r\n\r\n"),
             Catch::Contains("forward proxy 127.0.0.1:8999 (asked for sum.golang.org:443)"));
}

TEST_CASE("a response ends the wait; connect refused is reported from SO_ERROR", "[analyzer][net]") {
  EventScript s;
  launched(s, 40, 1024);
  s.call(40, 40, SysNo::socket, {AF_INET, SOCK_STREAM, 0}, 7);
  s.enter(40, 40, SysNo::connect, {7, 0x10, 16}).data(40, 1, sockaddr_bytes("127.0.0.1", 80)).exit(40, 40, -EINPROGRESS);
  s.after_ms(1);
  std::string refused(4, '\0');
  int err = ECONNREFUSED;
  std::memcpy(refused.data(), &err, 4);
  s.enter(40, 40, SysNo::getsockopt, {7, SOL_SOCKET, SO_ERROR, 0x30, 0x40}).data(40, 3, refused).exit(40, 40, 0);
  s.call(40, 40, SysNo::close, {7}, 0);
  s.call(40, 40, SysNo::socket, {AF_INET, SOCK_STREAM, 0}, 7);  // fd reuse
  s.enter(40, 40, SysNo::connect, {7, 0x10, 16}).data(40, 1, sockaddr_bytes("127.0.0.1", 81)).exit(40, 40, 0);
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  s.enter(40, 40, SysNo::write, {7, 0x50, req.size()}).data(40, 1, req).exit(40, 40, static_cast<int64_t>(req.size()));
  s.after_ms(5000);
  s.enter(40, 40, SysNo::read, {7, 0x60, 4096}).data(40, 1, "HTTP/1.1 200 OK\r\n").exit(40, 40, 17);
  s.after_ms(5000).end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "tcp_connect_failed");
  CHECK_THAT(fs[0].verdict, Catch::Contains("127.0.0.1:80"));
}

TEST_CASE("DNS query without an answer names the host", "[analyzer][net]") {
  std::string q("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05proxy\x06golang\x03org\x00\x00\x01\x00\x01", 34);
  EventScript s;
  launched(s, 3, 1024);
  s.call(3, 3, SysNo::socket, {AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0}, 5);
  s.enter(3, 3, SysNo::connect, {5, 0x10, 16}).data(3, 1, sockaddr_bytes("127.0.0.53", 53)).exit(3, 3, 0);
  s.enter(3, 3, SysNo::write, {5, 0x20, q.size()}).data(3, 1, q).exit(3, 3, static_cast<int64_t>(q.size()));
  s.call(3, 3, SysNo::read, {5, 0x30, 1232}, -EAGAIN);
  s.after_ms(4000).tick().end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "dns");
  CHECK_THAT(fs[0].verdict, Catch::Contains("resolving proxy.golang.org") && Catch::Contains("DNS server 127.0.0.53:53"));
}

TEST_CASE("a TCP connect that never completes", "[analyzer][net]") {
  EventScript s;
  launched(s, 3, 1024);
  s.call(3, 3, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0}, 5);
  s.enter(3, 3, SysNo::connect, {5, 0x10, 16}).data(3, 1, sockaddr_bytes("10.255.0.1", 443)).exit(3, 3, -EINPROGRESS);
  s.after_ms(15000).tick().end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "tcp_connect");
  CHECK(fs[0].severity == Severity::Error);
  CHECK_THAT(fs[0].verdict, Catch::Contains("TCP connect to 10.255.0.1:443 has not completed for 15.0 s"));
}

TEST_CASE("a healthy run says so in one line", "[analyzer]") {
  EventScript s;
  launched(s, 3, 1024);
  s.call(3, 3, SysNo::openat, {0, 0, 0}, 3).call(3, 3, SysNo::close, {3}, 0);
  s.call(3, 3, SysNo::getrandom, {0, 16, 0}, 16);
  s.after_ms(20).thread_exit(3, 3, 0).end(EndReason::AllExited, 0);
  Diagnosis d({});
  s.play(d);
  CHECK(d.ranked().empty());
  std::string r = d.text_report();
  CHECK_THAT(r, Catch::StartsWith("gotrace: no problem found"));
  CHECK(std::count(r.begin(), r.end(), '\n') == 1);
  CHECK_THAT(d.json_report(), Catch::StartsWith("{\"schema_version\":1,\"healthy\":true"));
  CHECK_THAT(d.json_report(), Catch::Contains("\"exit_status\":0,\"signal\":null,"));

  SECTION("killed by a signal: the JSON report says which") {
    EventScript k;
    launched(k, 4, 1024);
    k.after_ms(20).thread_exit(4, 4, SIGKILL).end(EndReason::Interrupted, SIGKILL);
    Diagnosis killed({});
    k.play(killed);
    CHECK_THAT(killed.json_report(), Catch::Contains("\"exit_status\":null,\"signal\":\"SIGKILL\","));
  }
}

TEST_CASE("clone failing with EAGAIN is a process limit", "[analyzer][nproc]") {
  EventScript s;
  launched(s, 3, 1024);
  s.call(3, 3, SysNo::clone3, {0x10, 88}, -EAGAIN);
  std::string msg = "runtime: failed to create new OS thread (have 7 already; errno=11)\n";
  s.enter(3, 3, SysNo::write, {2, 0x10, msg.size()}).data(3, 1, msg).exit(3, 3, static_cast<int64_t>(msg.size()));
  s.end();
  Diagnosis d({});
  s.play(d);
  auto fs = d.ranked();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "nproc");
  CHECK_THAT(fs[0].evidence[1], Catch::Contains("failed to create new OS thread"));
}
