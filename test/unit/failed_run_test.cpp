// FailedRun: a command that exits non-zero is never "no problem found".
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "analyzer_fixtures.h"
#include "diagnosis.h"
#include "event_script.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::EventScript;

namespace {

EventScript download() {
  EventScript s;
  s.start({"go", "mod", "download"}).process(40, 0, {"go", "mod", "download"});
  return s;
}

void say(EventScript& s, const std::string& text) {  // a write to stderr
  s.enter(40, 40, SysNo::write, {2, 0x50, text.size()}).data(40, 1, text).exit(40, 40, static_cast<int64_t>(text.size()));
}

std::vector<Finding> ended(EventScript& s, int code) {
  s.end(EndReason::AllExited, code << 8);
  Diagnosis d(DiagnosisOptions{});
  s.play(d);
  return d.ranked();
}

const char* const kZip = "/mnt/small/mod/cache/download/x.org/m/@v/v1.0.0.zip123.tmp";

}  // namespace

TEST_CASE("a failed write to a full disk is the cause of a failed command", "[analyzer][failed]") {
  EventScript s = download();
  s.enter(40, 40, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x10, O_RDWR | O_CREAT, 0644}).data(40, 1, kZip).exit(40, 40, 9);
  s.after_ms(5);
  s.enter(40, 40, SysNo::write, {9, 0x60, 4096}).data(40, 1, std::string(32, 'z')).exit(40, 40, -ENOSPC);
  say(s, "go: x.org/m@v1.0.0: write ");
  say(s, "/mnt/small/mod/...: no space left on device\n");
  auto fs = ended(s, 1);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "command_failed");
  CHECK(fs[0].severity == Severity::Error);
  CHECK(fs[0].verdict == std::string("go mod download failed with exit status 1 after ") + kZip +
                             ": No space left on device (ENOSPC)");
  REQUIRE(fs[0].evidence.size() == 2);
  CHECK_THAT(fs[0].evidence[0], Catch::StartsWith("write 1x ENOSPC: first write(9, \"zzz"));
  CHECK(fs[0].evidence[1] ==
        "its last line on stderr: \"go: x.org/m@v1.0.0: write /mnt/small/mod/...: no space left on device\"");
  CHECK_THAT(fs[0].tries[0], Catch::Contains("df -h"));
}

TEST_CASE("the same failures in a command that succeeds are no finding", "[analyzer][failed]") {
  EventScript s = download();
  s.enter(40, 40, SysNo::mkdirat, {static_cast<uint64_t>(AT_FDCWD), 0x10, 0755}).data(40, 1, "/ro/x").exit(40, 40, -EROFS);
  CHECK(ended(s, 0).empty());
}

TEST_CASE("a failed command that no call explains gets its last stderr line", "[analyzer][failed]") {
  EventScript s = download();
  // Probes for missing files are how programs work: no explanation.
  s.enter(40, 40, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x10, O_RDONLY, 0}).data(40, 1, "/x/go.work").exit(40, 40, -ENOENT);
  say(s, "verifying x.org/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:abc\n");
  auto fs = ended(s, 1);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].verdict ==
        "go mod download failed with exit status 1; no failed system call explains it; its last line on stderr: "
        "\"\tdownloaded: h1:abc\"");
}

TEST_CASE("under the filter, the error named on stderr is the cause", "[analyzer][failed]") {
  EventScript s;
  TraceStart start{1'700'000'000'000'000'000, kHostArch, "test", {"go", "mod", "download"}, {}};
  start.filtered = start.light = true;
  s.start_with(start).process(40, 0, {"go", "mod", "download"});
  say(s, "go: writing go.sum: open /ro/go.sum: read-only file system\n");
  auto fs = ended(s, 1);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].verdict ==
        "go mod download failed with exit status 1: Read-only file system (EROFS), by its last line on stderr: "
        "\"go: writing go.sum: open /ro/go.sum: read-only file system\"");
  CHECK_THAT(fs[0].evidence[0], Catch::Contains("ran unseen under the seccomp filter"));
}

TEST_CASE("an exec of a program that is not there explains a failure", "[analyzer][failed]") {
  EventScript s = download();
  s.enter(40, 40, SysNo::execve, {0x10, 0x20, 0x30}).data(40, 0, "/usr/bin/git").exit(40, 40, -ENOENT);
  auto fs = ended(s, 1);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].verdict == "go mod download failed with exit status 1 after /usr/bin/git: No such file or directory (ENOENT)");
  CHECK_THAT(fs[0].tries[0], Catch::Contains("not installed"));
}

TEST_CASE("a failed command's other findings come first: they are its cause", "[analyzer][failed]") {
  EventScript s = download();
  s.call(40, 40, SysNo::socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0}, 7);
  s.enter(40, 40, SysNo::connect, {7, 0x10, 16})
      .data(40, 1, gotrace::test::sockaddr_bytes("127.0.0.1", 9))
      .exit(40, 40, -EINPROGRESS);
  int refused = ECONNREFUSED;
  s.enter(40, 40, SysNo::getsockopt, {7, SOL_SOCKET, SO_ERROR, 0x70, 0x74})
      .data(40, 3, std::string(reinterpret_cast<const char*>(&refused), 4))
      .exit(40, 40, 0);
  say(s, "go: dial tcp 127.0.0.1:9: connect: connection refused\n");
  auto fs = ended(s, 1);
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].kind == "tcp_connect_failed");
  CHECK(fs[1].kind == "command_failed");
  CHECK_THAT(fs[1].verdict, Catch::EndsWith("its last line on stderr: \"go: dial tcp 127.0.0.1:9: connect: connection refused\""));
}

TEST_CASE("a PATH search that found the program explains nothing", "[analyzer][failed]") {
  // A child (pid 41) execvp's "bash": /usr/local/go/bin/bash and /root/bin/bash do not exist,
  // /usr/bin/bash does. The command then fails for another reason (its stderr line).
  EventScript s = download();
  s.process(41, 40, {"go"});
  s.enter(41, 41, SysNo::execve, {0x10, 0x20, 0x30}).data(41, 0, "/usr/local/go/bin/bash").exit(41, 41, -ENOENT);
  s.enter(41, 41, SysNo::execve, {0x10, 0x20, 0x30}).data(41, 0, "/root/bin/bash").exit(41, 41, -ENOENT);
  s.exec(41, 41, {"bash", "-c", "true"});
  auto fs = ended(s, 4);
  REQUIRE(fs.size() == 1);
  CHECK_THAT(fs[0].verdict, !Catch::Contains("ENOENT"));
  CHECK_THAT(fs[0].verdict, Catch::Contains("failed with exit status 4"));
}

TEST_CASE("a command line with a newline is named on one line", "[analyzer][failed]") {
  EventScript s;
  s.start({"python3", "-c", "import sys\nsys.exit(3)"}).process(40, 0, {"/usr/bin/python3", "-c", "import sys\nsys.exit(3)"});
  auto fs = ended(s, 3);
  REQUIRE(fs.size() == 1);
  CHECK_THAT(fs[0].verdict, Catch::StartsWith("python3 -c import sys\\nsys.exit(3) failed with exit status 3"));
}

TEST_CASE("a disk error names the filesystem read after it, by the failing path", "[analyzer][failed]") {
  EventScript s = download();
  s.enter(40, 40, SysNo::openat, {static_cast<uint64_t>(AT_FDCWD), 0x10, O_WRONLY | O_CREAT, 0644})
      .data(40, 1, "/mnt/small/mod/cache/download/x/@v/v1.zip123.tmp")
      .exit(40, 40, -ENOSPC);
  Snapshot snap;
  snap.filesystems = {Filesystem{"/mnt/small/mod/cache/download/x/@v/v1.zip123.tmp", "/mnt/small", "tmpfs",
                                 1 << 20, 4096, 256, 200, false},
                      Filesystem{".", "/", "ext4", 40ull << 30, 20ull << 30, 1000, 500, false}};
  s.snapshot(40, snap);
  auto fs = ended(s, 1);
  REQUIRE(fs.size() == 1);
  bool named = false;
  for (const std::string& ev : fs[0].evidence)
    named = named || ev == "filesystem of /mnt/small/mod/cache/download/x/@v/v1.zip123.tmp: tmpfs on /mnt/small, "
                           "1.0 MiB in all, 4 KiB free (0%), inodes 200 of 256 free (statfs after the error)";
  CHECK(named);
}
