// The summary table: strace's layout, counting, sorting, and unfinished calls.
#include "summary.h"

#include <signal.h>

#include <catch2/catch.hpp>

#include "event_script.h"

using namespace gotrace;
using gotrace::test::EventScript;
using analyzers::SortKey;
using analyzers::Summary;

namespace {
int killed_by(int sig) { return sig; }          // wait status of a signal death
int exited_with(int code) { return code << 8; }  // wait status of a normal exit
}  // namespace

TEST_CASE("summary table has strace's exact layout", "[summary]") {
  EventScript s;
  s.start().process(10);
  s.enter(10, 10, SysNo::read).after_ms(3).exit(10, 10, 5);
  s.enter(10, 10, SysNo::read).after_ms(1).exit(10, 10, -11);  // EAGAIN counts as an error
  s.enter(10, 10, SysNo::close).after_ms(1).exit(10, 10, 0);
  s.end();
  Summary sum(SortKey::Time, SyscallFilter{});
  s.play(sum);
  CHECK(sum.table() ==
        "% time     seconds  usecs/call     calls    errors syscall\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        " 80.00    0.004000        2000         2         1 read\n"
        " 20.00    0.001000        1000         1           close\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        "100.00    0.005000        1666         3         1 total\n");
  CHECK(sum.unfinished().empty());
}

TEST_CASE("summary sorts by calls, errors and name; ties keep table order", "[summary]") {
  EventScript s;
  s.start().process(1);
  for (int i = 0; i < 3; ++i) s.call(1, 1, SysNo::getpid, {}, 1);
  s.call(1, 1, SysNo::openat, {}, -2);
  s.call(1, 1, SysNo::close, {}, 0);
  s.end();
  auto first_rows = [&](SortKey k) {
    Summary sum(k, SyscallFilter{});
    s.play(sum);
    std::string t = sum.table();
    auto line3 = t.find('\n', t.find('\n') + 1) + 1;
    return t.substr(line3, t.find('\n', line3) - line3);
  };
  CHECK_THAT(first_rows(SortKey::Calls), Catch::EndsWith(" getpid"));
  CHECK_THAT(first_rows(SortKey::Errors), Catch::EndsWith(" openat"));
  CHECK_THAT(first_rows(SortKey::Name), Catch::EndsWith(" close"));
  CHECK_THAT(first_rows(SortKey::Time), Catch::EndsWith(" close"));  // all 0 s: table order
}

TEST_CASE("summary widens the name column for long names, as strace does", "[summary]") {
  EventScript s;
  s.start().process(1).call(1, 1, SysNo::sched_getaffinity, {}, 8).end();
  Summary sum(SortKey::Time, SyscallFilter{});
  s.play(sum);
  CHECK_THAT(sum.table(), Catch::Contains("--------- ------------------\n"));  // 17 + 1
}

TEST_CASE("summary counts only the -e trace= set", "[summary]") {
  EventScript s;
  s.start().process(1).call(1, 1, SysNo::read, {}, 1).call(1, 1, SysNo::write, {}, 1).end();
  Summary sum(SortKey::Time, SyscallFilter::parse("write"));
  s.play(sum);
  CHECK(sum.stat(SysNo::write).calls == 1);
  CHECK(sum.stat(SysNo::read).calls == 0);
}

TEST_CASE("calls in flight at the end are listed, not dropped", "[summary]") {
  EventScript s;
  s.start().process(7).thread(7, 8, 7);
  s.enter(7, 8, SysNo::futex, {0x1000, 0x80, 0, 0});
  s.enter(7, 7, SysNo::read, {3, 0x2000, 1});
  s.after_ms(1500);
  s.enter(7, 8, SysNo::exit_group, {0});  // never returns: not listed (8 was in futex)
  s.end(EndReason::Interrupted);
  Summary sum(SortKey::Time, SyscallFilter{});
  s.play(sum);
  std::string u = sum.unfinished();
  CHECK_THAT(u, Catch::Contains("1 unfinished call "));
  CHECK_THAT(u, Catch::Contains("       7        7    1.500000  read("));
  CHECK_THAT(u, Catch::Contains("<in progress>"));
  CHECK(sum.stat(SysNo::read).calls == 0);  // the table counts completed calls, as strace
}

TEST_CASE("a call interrupted by the signal that kills its thread is unfinished", "[summary]") {
  EventScript s;
  s.start().process(5);
  s.enter(5, 5, SysNo::read, {0, 0x10, 1}).after_ms(1000).exit(5, 5, -512);  // ERESTARTSYS
  s.signal(5, 5, SIGINT).thread_exit(5, 5, killed_by(SIGINT)).end();
  Summary sum(SortKey::Time, SyscallFilter{});
  s.play(sum);
  CHECK(sum.stat(SysNo::read).errors == 1);  // as strace counts it
  CHECK_THAT(sum.unfinished(), Catch::Contains("<killed by SIGINT>"));
  CHECK_THAT(sum.unfinished(), Catch::Contains("1.000000  read("));
}

TEST_CASE("a restarted call or a normal exit leaves nothing unfinished", "[summary]") {
  EventScript s;
  s.start().process(5).thread(5, 6, 5);
  s.enter(5, 5, SysNo::read, {0, 0x10, 1}).after_ms(10).exit(5, 5, -512);
  s.signal(5, 5, SIGURG).enter(5, 5, SysNo::rt_sigreturn).exit(5, 5, -512);
  s.enter(5, 5, SysNo::read, {0, 0x10, 1}).after_ms(10).exit(5, 5, 1);
  s.enter(5, 6, SysNo::futex, {0x1000, 0x80, 0, 0});
  s.thread_exit(5, 6, exited_with(0)).thread_exit(5, 5, exited_with(0)).end();
  Summary sum(SortKey::Time, SyscallFilter{});
  s.play(sum);
  CHECK(sum.unfinished().empty());
  CHECK(sum.stat(SysNo::read).calls == 2);
}
