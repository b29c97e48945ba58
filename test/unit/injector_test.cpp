// --inject bookkeeping without a tracee: per-thread and per-syscall counting (strace's
// "per syscall and per tracee"), the last rule naming a syscall wins, delays and holds.
// (Register writes need a stopped tracee: the e2e tests inject_c/inject_go cover them.)
#include <catch2/catch.hpp>

#include "injector.h"
#include "tamper_spec.h"

using namespace gotrace;
using namespace std::chrono_literals;

namespace {
constexpr int kNoTask = 0x3ffffff0;  // no such thread: the register writes fail harmlessly
}

TEST_CASE("injector counts each syscall per thread and delays the calls when= picks", "[inject]") {
  live::Injector inj({cli::parse_inject("getpid,getppid:delay_enter=2s:when=2+2")});
  REQUIRE(inj.active());
  CHECK(inj.on_entry(kNoTask, SysNo::getpid) == 0ns);
  CHECK(inj.on_entry(kNoTask, SysNo::getppid) == 0ns);  // its own counter
  CHECK(inj.on_entry(kNoTask, SysNo::getpid) == 2s);
  CHECK(inj.on_entry(kNoTask + 1, SysNo::getpid) == 0ns);  // another thread starts at 1
  CHECK(inj.on_entry(kNoTask, SysNo::getppid) == 2s);
  CHECK(inj.on_entry(kNoTask, SysNo::getpid) == 0ns);
  CHECK(inj.on_entry(kNoTask, SysNo::getpid) == 2s);
  CHECK(inj.on_entry(kNoTask, SysNo::read) == 0ns);  // not in the set
  // A thread's counters move with it when it execs from a non-leader thread...
  inj.moved(kNoTask, kNoTask + 2);
  CHECK(inj.on_entry(kNoTask + 2, SysNo::getpid) == 0ns);  // 5th
  CHECK(inj.on_entry(kNoTask + 2, SysNo::getpid) == 2s);   // 6th
  // ...and end with it.
  inj.forget(kNoTask + 2);
  CHECK(inj.on_entry(kNoTask + 2, SysNo::getpid) == 0ns);
  CHECK(inj.on_entry(kNoTask + 2, SysNo::getpid) == 2s);
  // Once the trace is ending, no new delays.
  inj.stop_delays();
  CHECK(inj.on_entry(kNoTask + 2, SysNo::getpid) == 0ns);
  CHECK(inj.on_entry(kNoTask + 2, SysNo::getpid) == 0ns);
}

TEST_CASE("injector: a later rule naming the same syscall replaces an earlier one", "[inject]") {
  live::Injector inj({cli::parse_inject("getpid,getppid:delay_enter=1s"),
                      cli::parse_inject("getpid:delay_exit=3s")});
  CHECK(inj.on_entry(kNoTask, SysNo::getppid) == 1s);
  CHECK(inj.on_entry(kNoTask, SysNo::getpid) == 0ns);
  int64_t rval = 7;
  CHECK(inj.on_exit(kNoTask, rval) == 3s);
  CHECK(rval == 7);  // no result injected: the call's own value stays
  CHECK(inj.on_exit(kNoTask, rval) == 0ns);  // the delay was for that one exit
}

TEST_CASE("injector holds: released when due, all at once at the end", "[inject]") {
  live::Injector inj({cli::parse_inject("getpid:delay_enter=1s")});
  CHECK_FALSE(inj.holding());
  inj.hold(10, 3s);
  inj.hold(11, 1s);
  inj.hold(12, 2s);
  CHECK(inj.holding());
  CHECK(inj.held(11));
  CHECK(inj.next_deadline() == 1s);
  CHECK(inj.take_due(500ms).empty());
  auto due = inj.take_due(2s);
  REQUIRE(due.size() == 2);
  CHECK(due[0].tid == 11);
  CHECK(due[1].tid == 12);
  CHECK(inj.next_deadline() == 3s);
  CHECK(inj.take(10).has_value());  // the thread stopped again (killed): hold void
  CHECK_FALSE(inj.holding());
  inj.hold(13, 60s);
  CHECK(inj.take_due(0ns, true).size() == 1);
  CHECK_FALSE(inj.holding());
}
