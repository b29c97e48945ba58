// File lock waits: /proc/locks parsing (engine/file_locks.h) and the LockWait analyzer.
#include <catch2/catch.hpp>

#include "analyzer_fixtures.h"
#include "diagnosis.h"
#include "event_script.h"
#include "file_locks.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::diagnose;
using gotrace::test::EventScript;

TEST_CASE("/proc/locks: the holder of the lock a process is blocked on", "[engine][lock]") {
  const char* text =
      "1: POSIX  ADVISORY  WRITE 700 08:01:99 0 EOF\n"
      "2: FLOCK  ADVISORY  WRITE 4242 00:2d:1234 0 EOF\n"
      "2: -> FLOCK  ADVISORY  WRITE 4243 00:2d:1234 0 EOF\n"
      "3: OFDLCK ADVISORY  READ  -1 00:2d:77 0 EOF\n"
      "3: -> OFDLCK ADVISORY  WRITE 4243 00:2d:77 0 EOF\n"
      "garbage\n";
  auto locks = engine::parse_file_locks(text);
  REQUIRE(locks.size() == 5);
  CHECK(locks[1].type == "FLOCK");
  CHECK(locks[1].access == "WRITE");
  CHECK(locks[1].pid == 4242);
  CHECK(locks[1].major == 0);
  CHECK(locks[1].minor == 0x2d);
  CHECK(locks[1].inode == 1234);
  CHECK(locks[2].waiter);
  engine::FileLock h;
  REQUIRE(engine::lock_holder(locks, 4243, 0, 0x2d, 1234, h));
  CHECK(h.pid == 4242);
  REQUIRE(engine::lock_holder(locks, 4243, 0, 0x2d, 77, h));
  CHECK(h.pid == -1);  // an OFD lock
  CHECK_FALSE(engine::lock_holder(locks, 4242, 0, 0x2d, 1234, h));  // the holder waits for nothing
  CHECK_FALSE(engine::lock_holder(locks, 700, 8, 1, 99, h));
}

namespace {

const char* const kLock = "/home/u/go/pkg/mod/cache/download/github.com/!burnt!sushi/toml/@v/v1.2.0.lock";

// `go mod download` with `lock` open as fd 9, blocked in flock(9, LOCK_EX) from 0.1 s on.
EventScript blocked(const char* lock) {
  EventScript s;
  s.start({"go", "mod", "download"}).process(40, 0, {"go", "mod", "download"}).thread(40, 41, 40);
  Snapshot launch;
  launch.fds = {{0, "/dev/null"}, {9, lock}};
  s.snapshot(40, launch);
  s.after_ms(100);
  s.enter(40, 41, SysNo::flock, {9, 2});
  s.after_ms(1000);
  Snapshot mid = launch;
  mid.fds[1].lock_holder = 4242;
  mid.fds[1].lock = "FLOCK WRITE";
  mid.fds[1].lock_holder_text = "go mod download, in epoll_pwait";
  s.snapshot(40, mid);
  s.after_ms(3000).tick();
  return s;
}

}  // namespace

TEST_CASE("a go command blocked on another's module cache lock", "[analyzer][lock]") {
  EventScript s = blocked(kLock);
  auto fs = diagnose(s);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "lock_wait");
  CHECK(fs[0].verdict ==
        "go mod download is waiting 4.0 s for the module cache lock of github.com/BurntSushi/toml@v1.2.0: another "
        "go command, pid 4242 (go mod download, in epoll_pwait), holds it while it downloads that module into the "
        "same GOMODCACHE");
  REQUIRE(fs[0].evidence.size() == 3);
  CHECK(fs[0].evidence[0] == "tid 41: flock(9, LOCK_EX) for 4.0 s");
  CHECK(fs[0].evidence[1] == std::string("fd 9: ") + kLock);
  CHECK(fs[0].evidence[2] == "/proc/locks: FLOCK WRITE lock held by pid 4242 (go mod download, in epoll_pwait)");
  CHECK_THAT(fs[0].tries[1], Catch::Contains("gotrace -p 4242"));

  // It gets the lock: the wait it was.
  EventScript done = blocked(kLock);
  done.exit(40, 41, 0).after_ms(100).end();
  fs = diagnose(done);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "lock_wait_slow");
  CHECK_THAT(fs[0].verdict, Catch::StartsWith("go mod download waited 4.0 s for the module cache lock of "
                                              "github.com/BurntSushi/toml@v1.2.0: another go command, pid 4242"));
  CHECK_THAT(fs[0].verdict, Catch::EndsWith("held it while it downloaded that module into the same GOMODCACHE"));
}

TEST_CASE("a lock on another file names the file and its holder", "[analyzer][lock]") {
  auto fs = diagnose(blocked("/var/lib/dpkg/lock"));
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].verdict ==
        "go mod download is waiting 4.0 s for a lock on /var/lib/dpkg/lock, held by pid 4242 (go mod download, in "
        "epoll_pwait)");
}

TEST_CASE("a non-blocking or short lock call is no wait", "[analyzer][lock]") {
  CHECK(waits_for_lock(SysNo::flock, 2));
  CHECK(waits_for_lock(SysNo::flock, 1));
  CHECK_FALSE(waits_for_lock(SysNo::flock, 2 | 4));  // LOCK_NB
  CHECK_FALSE(waits_for_lock(SysNo::flock, 8));      // LOCK_UN
  CHECK(waits_for_lock(SysNo::fcntl, 7));            // F_SETLKW
  CHECK(waits_for_lock(SysNo::fcntl, 38));           // F_OFD_SETLKW
  CHECK_FALSE(waits_for_lock(SysNo::fcntl, 6));      // F_SETLK
  EventScript s;
  s.start({"go", "mod", "download"}).process(40, 0, {"go", "mod", "download"}).thread(40, 41, 40);
  s.enter(40, 41, SysNo::flock, {9, 2}).after_ms(500).exit(40, 41, 0).after_ms(3000).end();
  CHECK(diagnose(s).empty());
}
