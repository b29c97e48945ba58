// No progress at the end (issue 16.2): a run that ends after a quiet period shorter than
// --stall still says where its threads were parked.
#include <catch2/catch.hpp>

#include "analyzer_fixtures.h"
#include "diagnosis.h"
#include "event_script.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::diagnose;
using gotrace::test::EventScript;

namespace {

// A Go-like program: its netpoller in epoll_pwait, two threads in futex from `quiet_from`
// on, ticks each second until `end_at`; then it exits 3.
EventScript parked(int quiet_from_ms, int end_at_ms) {
  EventScript s;
  s.start({"prog", "5"}).process(40, 0, {"prog", "5"}).thread(40, 41, 40).thread(40, 42, 40);
  s.after_ms(quiet_from_ms);
  s.call(40, 40, SysNo::write, {1, 0x10, 11}, 11);  // "deadlocked\n": the last progress
  s.enter(40, 40, SysNo::epoll_pwait, {3, 0x20, 128, static_cast<uint64_t>(-1)});
  s.enter(40, 41, SysNo::futex, {0x100, 128, 0, 0});
  s.enter(40, 42, SysNo::futex, {0x200, 128, 0, 0});
  for (int t = quiet_from_ms + 1000; t <= end_at_ms; t += 1000) s.after_ms(1000).tick();
  s.after_ms(end_at_ms % 1000 + 1);
  s.thread_exit(40, 41, 3 << 8).thread_exit(40, 42, 3 << 8).thread_exit(40, 40, 3 << 8);
  s.end(EndReason::AllExited, 3 << 8);
  return s;
}

}  // namespace

TEST_CASE("a run that ends parked in futex, no I/O: goroutines blocked on each other", "[analyzer][quiet]") {
  auto fs = diagnose(parked(100, 5100));
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].kind == "no_progress_at_end");
  CHECK(fs[0].verdict ==
        "prog 5 made no progress for the last 5.1 s of its 5.2 s: every thread was parked in futex, with no I/O and "
        "no timer pending: its goroutines were blocked on each other or on a channel (a deadlock)");
  CHECK(fs[0].evidence.size() == 3);
  CHECK_THAT(fs[0].evidence[1], Catch::StartsWith("prog 5 tid 41: futex(0x100, FUTEX_WAIT_PRIVATE, 0, NULL) for 5.0 s"));
  CHECK_THAT(fs[0].tries[0], Catch::Contains("kill -QUIT PID"));
  CHECK(fs[1].kind == "command_failed");  // the symptom, after its cause
}

TEST_CASE("a program that sleeps until a timer and exits 0 is no finding", "[analyzer][quiet]") {
  EventScript s;
  s.start({"prog"}).process(40, 0, {"prog"}).thread(40, 41, 40);
  s.call(40, 40, SysNo::write, {1, 0x10, 3}, 3);
  s.enter(40, 40, SysNo::epoll_pwait, {3, 0x20, 128, 5000}).enter(40, 41, SysNo::futex, {0x100, 128, 0, 0});
  for (int i = 0; i < 5; ++i) s.after_ms(1000).tick();
  s.after_ms(10).thread_exit(40, 41, 0).thread_exit(40, 40, 0).end();
  CHECK(diagnose(s).empty());
}

TEST_CASE("a quiet end that is short against the run is no finding", "[analyzer][quiet]") {
  auto fs = diagnose(parked(8000, 10500));  // quiet 2.5 s of 10.5 s
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "command_failed");
  fs = diagnose(parked(100, 1600));  // quiet 1.5 s: under 2 s
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].kind == "command_failed");
}

TEST_CASE("a C program whose main thread sleeps, its pool parked on a condition, exits 0: no finding", "[analyzer][quiet]") {
  EventScript s;
  s.start({"pool"}).process(40, 0, {"pool"}).thread(40, 41, 40).thread(40, 42, 40);
  s.enter(40, 41, SysNo::futex, {0x100, 128, 0, 0});
  s.enter(40, 42, SysNo::futex, {0x100, 128, 0, 0});
  s.enter(40, 40, SysNo::clock_nanosleep, {1, 0, 0x30, 0x40});  // usleep(3.5 s)
  for (int i = 0; i < 3; ++i) s.after_ms(1000).tick();
  s.after_ms(500);
  s.thread_exit(40, 41, 0).thread_exit(40, 42, 0).thread_exit(40, 40, 0);
  s.end(EndReason::AllExited, 0);
  auto fs = diagnose(s);
  for (const Finding& f : fs) CHECK(f.kind != "no_progress_at_end");
}

namespace {
// Main thread 40 in `wait` (a sleep or the netpoller's wait) from 100 ms on, threads 41 and
// 42 parked in futex; `quiet_ticks` Ticks a second apart follow.
EventScript go_waiting(SysNo wait, std::initializer_list<uint64_t> args, int quiet_ticks) {
  EventScript s;
  s.start({"prog", "5"}).process(40, 0, {"prog", "5"}).thread(40, 41, 40).thread(40, 42, 40);
  s.after_ms(100);
  s.call(40, 40, SysNo::write, {1, 0x10, 11}, 11);
  s.enter(40, 40, wait, args);
  s.enter(40, 41, SysNo::futex, {0x100, 128, 0, 0});
  s.enter(40, 42, SysNo::futex, {0x200, 128, 0, 0});
  for (int t = 0; t < quiet_ticks; ++t) s.after_ms(1000).tick();
  return s;
}

// The run exits 3; its verdict is a no-progress one with a timer pending.
void check_timer_verdict(EventScript& s) {
  s.thread_exit(40, 41, 3 << 8).thread_exit(40, 42, 3 << 8).thread_exit(40, 40, 3 << 8);
  s.end(EndReason::AllExited, 3 << 8);
  auto fs = diagnose(s);
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "no_progress_at_end");
  CHECK_THAT(fs[0].verdict, Catch::Contains("with no I/O and only a timer pending: its goroutines were blocked on each other"));
}
}  // namespace

TEST_CASE("Go's sysmon seen in restart_syscall (its sleep interrupted) is a timer", "[analyzer][quiet]") {
  EventScript s = go_waiting(SysNo::restart_syscall, {}, 5);
  s.after_ms(10);
  check_timer_verdict(s);
}

TEST_CASE("a Tick just after the netpoller's timer fired keeps the timer seen at the Ticks before", "[analyzer][quiet]") {
  EventScript s = go_waiting(SysNo::epoll_pwait, {3, 0x20, 128, 5000}, 4);
  s.after_ms(999).exit(40, 40, 0);  // the timer fired: epoll_pwait returns 0
  s.after_ms(1).tick();             // ... and a Tick comes before the thread's next call
  s.call(40, 40, SysNo::write, {2, 0x30, 30}, 30);  // "gave up waiting"
  check_timer_verdict(s);
}

TEST_CASE("a Tick between the write that ends the quiet period and the exit keeps the period", "[analyzer][quiet]") {
  EventScript s = go_waiting(SysNo::epoll_pwait, {3, 0x20, 128, 5000}, 4);
  s.after_ms(999).exit(40, 40, 0);
  s.call(40, 40, SysNo::write, {2, 0x30, 30}, 30);  // "gave up waiting": progress
  s.after_ms(1).tick();                             // ... a Tick, then the exit
  SECTION("it exits at once: the quiet period is its end") { check_timer_verdict(s); }
  SECTION("it went on for a second more: no finding") {
    for (int i = 0; i < 10; ++i) s.after_ms(100).call(40, 40, SysNo::write, {1, 0x30, 5}, 5);
    s.tick();
    s.thread_exit(40, 41, 3 << 8).thread_exit(40, 42, 3 << 8).thread_exit(40, 40, 3 << 8);
    s.end(EndReason::AllExited, 3 << 8);
    for (const Finding& f : diagnose(s)) CHECK(f.kind != "no_progress_at_end");
  }
}
