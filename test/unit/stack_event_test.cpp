// The Stack event: recorded and replayed exactly, printed by the text sink under the line
// that completes its call (strace -k's format), and shown in the evidence of the findings
// whose calls it belongs to (EMFILE, blocking getrandom, connect to a stalled peer).
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

#include "diagnosis.h"
#include "event_script.h"
#include "gotrace/output.h"
#include "record_writer.h"
#include "replay_source.h"
#include "test_files.h"
#include "text_sink.h"

using namespace gotrace;
using gotrace::test::EventScript;

namespace {

std::vector<StackFrame> go_frames() {
  return {
      {0x4a1b2c, 0xa1b2c, "/usr/lib/go-1.19/bin/go", "runtime/internal/syscall.Syscall6", 0x1e,
       "/usr/lib/go-1.19/src/runtime/internal/syscall/asm_linux_amd64.s", 36},
      {0x4a2000, 0xa2000, "/usr/lib/go-1.19/bin/go", "syscall.openat", 0x8f, "/usr/lib/go-1.19/src/syscall/zsyscall_linux_amd64.go", 83},
      {0x4f2a3e, 0xf2a3e, "/usr/lib/go-1.19/bin/go", "os.OpenFile", 0x5e, "/usr/lib/go-1.19/src/os/file.go", 337},
      {0x7a0010, 0x3a0010, "/usr/lib/go-1.19/bin/go", "cmd/go/internal/modfetch.(*cachingRepo).Stat", 0x10,
       "/usr/lib/go-1.19/src/cmd/go/internal/modfetch/cache.go", 120},
      {0x12345, 0, "", "", 0, "", 0},
  };
}

std::string text_of(const EventScript& s, bool show_stacks = true) {
  test::TempDir dir;
  std::string path = dir.file("out.txt");
  {
    auto out = Output::open_file(path);
    sinks::TextOptions opt;
    opt.show_stacks = show_stacks;  // -k
    sinks::TextSink sink(*out, opt);
    s.play(sink);
    out->flush();
  }
  return test::read_file(path);
}

}  // namespace

TEST_CASE("a Stack event round-trips through a recording", "[record][stack]") {
  EventScript s;
  s.start().process(10).enter(10, 10, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0});
  s.stack(10, 10, go_frames(), "unsupported pclntab version (magic 0x1)");
  s.exit(10, 10, -EMFILE).stack(10, 10, {}, "registers unreadable: No such process").end();
  test::TempDir dir;
  std::string path = dir.file("s.gtr");
  {
    record::RecordWriter w(path);
    s.play(w);
  }
  record::ReplaySource src(path);
  test::Collect back;
  src.run(back);
  CHECK(back.events == s.events());
  CHECK(src.records_skipped() == 0);
}

TEST_CASE("the text sink prints a call's stack under its line, strace -k style", "[sink][stack]") {
  EventScript s;
  s.start().process(10).thread(10, 11, 10);
  s.enter(10, 10, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0});
  s.stack(10, 10, {go_frames()[2], go_frames()[4]});
  s.enter(10, 11, SysNo::getpid).exit(10, 11, 10);  // interleaves: the openat line is cut
  s.exit(10, 10, -ENOENT);
  s.enter(10, 10, SysNo::close, {3}).exit(10, 10, 0);
  s.stack(10, 10, {go_frames()[3]}, "a note");  // taken at the exit: printed at once
  s.end();
  // Without -k the stacks (taken for the findings' evidence) stay out of the trace.
  CHECK(text_of(s, false).find(" > ") == std::string::npos);
  std::string text = text_of(s);
  CHECK(text.find("= -1 ENOENT (No such file or directory)\n"
                  "[pid    10]  > /usr/lib/go-1.19/bin/go(os.OpenFile+0x5e) [0xf2a3e] /usr/lib/go-1.19/src/os/file.go:337\n") ==
        std::string::npos);  // no pid prefix on frame lines
  CHECK(text.find("<... openat resumed>) = -1 ENOENT (No such file or directory)\n"
                  " > /usr/lib/go-1.19/bin/go(os.OpenFile+0x5e) [0xf2a3e] /usr/lib/go-1.19/src/os/file.go:337\n"
                  " > ?? [0x12345]\n") != std::string::npos);
  CHECK(text.find("close(3) = 0\n"
                  " > /usr/lib/go-1.19/bin/go(cmd/go/internal/modfetch.(*cachingRepo).Stat+0x10) [0x3a0010] "
                  "/usr/lib/go-1.19/src/cmd/go/internal/modfetch/cache.go:120\n"
                  " > (a note)\n") != std::string::npos);
  INFO(text);
}

TEST_CASE("an EMFILE finding shows the failing call's stack past the syscall frames", "[analyzer][stack]") {
  EventScript s;
  s.start({"go", "mod", "download"}).process(10, 0, {"go", "mod", "download"});
  Snapshot snap;
  snap.nofile = {16, 16};
  snap.fds = {{0, "/dev/null"}, {1, "/dev/null"}, {2, "/dev/null"}};
  s.snapshot(10, snap);
  s.enter(10, 10, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0}).exit(10, 10, -EMFILE);
  s.stack(10, 10, go_frames());
  s.end(EndReason::AllExited, 1 << 8);
  analyzers::Diagnosis d({});
  s.play(d);
  std::string report = d.text_report();
  INFO(report);
  CHECK(report.find("call stack (innermost first):") != std::string::npos);
  CHECK(report.find("at os.OpenFile (/usr/lib/go-1.19/src/os/file.go:337)") != std::string::npos);
  CHECK(report.find("at cmd/go/internal/modfetch.(*cachingRepo).Stat (") != std::string::npos);
  CHECK(report.find("syscall.openat") == std::string::npos);  // plumbing frames are skipped
  CHECK(report.find("os.OpenFile") < report.find("cmd/go/internal/modfetch"));
}

TEST_CASE("a blocked getrandom's finding shows the stack taken at its entry", "[analyzer][stack]") {
  EventScript s;
  s.start({"prog"}).process(10, 0, {"prog"});
  s.enter(10, 10, SysNo::getrandom, {0x1000, 32, 0});
  s.stack(10, 10, {{0x1, 0x1, "/p", "crypto/rand.(*reader).Read", 0x40, "/go/src/crypto/rand/rand_unix.go", 60},
                   {0x2, 0x2, "/p", "main.main", 0x20, "/src/main.go", 9}});
  s.after_ms(3000).exit(10, 10, 32).end();
  analyzers::Diagnosis d({});
  s.play(d);
  std::string report = d.text_report();
  INFO(report);
  CHECK(report.find("getrandom blocked") != std::string::npos);
  CHECK(report.find("at crypto/rand.(*reader).Read (/go/src/crypto/rand/rand_unix.go:60)") != std::string::npos);
  CHECK(report.find("at main.main (/src/main.go:9)") != std::string::npos);
}

TEST_CASE("a connect that never completes shows where it was dialed", "[analyzer][stack]") {
  EventScript s;
  s.start({"prog"}).process(10, 0, {"prog"});
  s.call(10, 10, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0}, 3);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(8999);
  inet_pton(AF_INET, "10.1.2.3", &sa.sin_addr);
  s.enter(10, 10, SysNo::connect, {3, 0x1000, sizeof sa});
  s.stack(10, 10, {{0x1, 0x1, "/p", "net.(*sysDialer).dialSerial", 0x40, "/go/src/net/dial.go", 515},
                   {0x2, 0x2, "/p", "net/http.(*Transport).dial", 0x20, "/go/src/net/http/transport.go", 1170}});
  s.data(10, 1, std::string(reinterpret_cast<const char*>(&sa), sizeof sa)).exit(10, 10, -EINPROGRESS);
  s.after_ms(30'000).tick();
  analyzers::Diagnosis d({});
  s.play(d);
  std::string report = d.text_report();
  INFO(report);
  CHECK(report.find("TCP connect to") != std::string::npos);
  CHECK(report.find("the connection was dialed here:") != std::string::npos);
  CHECK(report.find("at net/http.(*Transport).dial (/go/src/net/http/transport.go:1170)") != std::string::npos);
  CHECK(report.find("dialSerial") == std::string::npos);  // Go's dialer itself is skipped
}
