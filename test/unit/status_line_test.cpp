// The live status line: what it says from the events so far, and how it is drawn and
// erased on its Output (a pipe here, read back byte for byte).
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "analyzer_fixtures.h"
#include "status_line.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::EventScript;
using gotrace::test::sockaddr_bytes;

namespace {

struct Pipe {
  int fd[2];
  Pipe() { REQUIRE(pipe2(fd, O_CLOEXEC | O_NONBLOCK) == 0); }
  ~Pipe() { close(fd[0]), close(fd[1]); }
  std::string drain() const {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }
};

// `go mod download` (pid 40, two threads) that sent a request on fd 7 and waits for its answer.
EventScript waiting_download() {
  EventScript s;
  s.start({"go", "mod", "download"}).process(40, 0, {"go", "mod", "download"}).thread(40, 41, 40);
  Snapshot launch;
  launch.env = {{"GOPROXY", "http://127.0.0.1:8999"}};
  s.snapshot(40, launch);
  s.call(40, 40, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, 7);
  s.enter(40, 40, SysNo::connect, {7, 0x10, 16}).data(40, 1, sockaddr_bytes("127.0.0.1", 8999)).exit(40, 40, -EINPROGRESS);
  std::string req = "GET /x.org/m/@v/list HTTP/1.1\r\nHost: 127.0.0.1:8999\r\n\r\n";
  s.enter(40, 41, SysNo::write, {7, 0x50, req.size()}).data(41, 1, req).exit(40, 41, static_cast<int64_t>(req.size()));
  return s;
}

}  // namespace

TEST_CASE("the status line: time, processes, threads, calls, bytes and the longest wait", "[analyzer][status]") {
  Pipe p;
  Output out(p.fd[1]);
  Diagnosis d(DiagnosisOptions{});
  StatusLine line(out, d, 300);
  Fanout f;
  f.add(d);
  f.add(line);
  EventScript s = waiting_download();
  s.after_ms(3200).tick(15'600'000);
  s.play(f);
  std::string drawn = p.drain();
  CHECK(drawn ==
        "\rgotrace: 3.2 s; 1 process, 2 threads; 3 calls seen; 15.6 MB moved; waiting 3.2 s for an answer from "
        "module proxy 127.0.0.1:8999 (GOPROXY entry 1 of 1)\033[K");
  // Anything else written there erases it first; the end erases it for good.
  out.write("gotrace: a stall report\n");
  out.flush();
  CHECK(p.drain() == "\r\033[Kgotrace: a stall report\n");
  EventScript more;
  more.after_ms(3300).tick().end();
  more.play(f);
  std::string last = p.drain();
  CHECK_THAT(last, Catch::StartsWith("\rgotrace: "));
  CHECK_THAT(last, Catch::EndsWith("\033[K\r\033[K"));  // drawn at the tick, erased at the end
}

TEST_CASE("the status line fits the terminal and leaves out short waits", "[analyzer][status]") {
  Pipe p;
  Output out(p.fd[1]);
  Diagnosis d(DiagnosisOptions{});
  StatusLine narrow(out, d, 60);
  Fanout f;
  f.add(d);
  f.add(narrow);
  EventScript s = waiting_download();
  s.after_ms(3000).tick(100);
  s.play(f);
  std::string text = narrow.text(std::chrono::milliseconds(3000));
  CHECK(text.size() == 59);
  CHECK_THAT(text, Catch::EndsWith("..."));
  EventScript quick = waiting_download();
  quick.after_ms(200).tick(100);
  Diagnosis d2(DiagnosisOptions{});
  StatusLine wide2(out, d2, 400);
  Fanout f2;
  f2.add(d2);
  f2.add(wide2);
  quick.play(f2);
  CHECK(wide2.text(std::chrono::milliseconds(200)).find("waiting") == std::string::npos);  // under 0.5 s
}
