// Lock contention (issue 16.4): many short futex waits on one address from several
// threads, seen (--full) or sampled at ticks (light mode); an idle pool is none.
#include <linux/futex.h>

#include <catch2/catch.hpp>

#include "analyzer_fixtures.h"

using namespace gotrace;
using namespace gotrace::analyzers;
using gotrace::test::diagnose;
using gotrace::test::EventScript;

namespace {

constexpr uint64_t kLock = 0x5581a0;
constexpr uint64_t kWaitPrivate = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;

EventScript four_threads() {
  EventScript s;
  s.start({"contend", "6"}).process(40, 0, {"contend", "6"});
  for (int t = 41; t <= 44; ++t) s.thread(40, t, 40);
  return s;
}

const Finding* find(const std::vector<Finding>& fs, const std::string& kind) {
  for (const Finding& f : fs)
    if (f.kind == kind) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("seen: four threads taking turns on one futex, most of their time waiting", "[analyzer][contention]") {
  EventScript s = four_threads();
  // 200 rounds of 4 ms: all four wait, and get the lock one after the other, 1 ms apart:
  // waits of 1, 2, 3 and 4 ms, 10 ms of every 16 (62%).
  for (int round = 0; round < 200; ++round) {
    for (int t = 41; t <= 44; ++t) s.enter(40, t, SysNo::futex, {kLock, kWaitPrivate, 2, 0});
    for (int t = 41; t <= 44; ++t) s.after_ms(1).exit(40, t, 0);
  }
  s.end();
  auto fs = diagnose(s);
  const Finding* f = find(fs, "lock_contention");
  REQUIRE(f);
  CHECK(f->verdict == "contend 6: lock contention: 4 threads waited 2.0 s in all (63% of their time) for one lock, "
                      "the futex at 0x5581a0: 800 waits of 2.5 ms on average");
  CHECK(f->evidence[0] == "futex(0x5581a0, FUTEX_WAIT...) 800 times from tids 41, 42, 43, 44");
}

TEST_CASE("seen: threads idle on one condition variable, long waits, are no contention", "[analyzer][contention]") {
  EventScript s = four_threads();
  for (int t = 41; t <= 44; ++t) s.enter(40, t, SysNo::futex, {kLock, kWaitPrivate, 0, 0});
  s.after_ms(5000);
  for (int t = 41; t <= 44; ++t) s.exit(40, t, 0);
  s.end();
  CHECK(!find(diagnose(s), "lock_contention"));
}

TEST_CASE("sampled: threads caught in futex on one address while their CPU time grows", "[analyzer][contention]") {
  auto sample = [](int tid, bool in_futex, int64_t cpu_ms) {
    ThreadState t;
    t.tid = Tid{tid};
    t.state = in_futex ? 'S' : 'R';
    t.number = in_futex ? 202 : -1;  // futex on x86-64
    if (in_futex) t.args = {kLock, kWaitPrivate, 2, 0, 0, 0};
    t.cpu_ns = cpu_ms * 1'000'000;
    return t;
  };
  auto run = [&](int64_t cpu_per_tick) {
    EventScript s = four_threads();
    for (int tick = 1; tick <= 5; ++tick) {
      s.after_ms(1000);
      // Two threads hold or run, two wait; who waits changes from tick to tick.
      std::vector<ThreadState> ts;
      for (int t = 41; t <= 44; ++t) ts.push_back(sample(t, (t + tick) % 2 == 0, tick * cpu_per_tick));
      s.thread_states(40, ts).tick();
    }
    s.end();
    return diagnose(s);
  };
  const Finding* f = nullptr;
  auto busy = run(250);
  f = find(busy, "lock_contention");
  REQUIRE(f);
  CHECK(f->verdict == "contend 6: lock contention: 4 threads kept blocking on one lock, the futex at 0x5581a0, while "
                      "using CPU between waits (4 of 5 ticks caught one waiting on it)");
  CHECK(!find(run(0), "lock_contention"));  // parked, no CPU: an idle pool
}

TEST_CASE("seen contention that ends with the run is not called a deadlock", "[analyzer][contention]") {
  // --full: four threads take turns for 6 s while the main thread waits to join them
  // (pthread_join: a futex wait), then all exit 0.
  EventScript s = four_threads();
  s.enter(40, 40, SysNo::futex, {0x7f00, FUTEX_WAIT, 41, 0});
  for (int round = 0; round < 1500; ++round) {
    for (int t = 41; t <= 44; ++t) s.enter(40, t, SysNo::futex, {kLock, kWaitPrivate, 2, 0});
    if (round % 250 == 249) s.tick();  // each second, as the threads wait
    for (int t = 41; t <= 44; ++t) s.after_ms(1).exit(40, t, 0);
  }
  for (int t = 41; t <= 44; ++t) s.thread_exit(40, t, 0);
  s.exit(40, 40, 0).thread_exit(40, 40, 0);
  s.end();
  auto fs = diagnose(s);
  for (const Finding& f : fs) WARN(f.kind + ": " + f.verdict);
  REQUIRE(!fs.empty());
  CHECK(fs[0].kind == "lock_contention");
  CHECK(!find(fs, "no_progress_at_end"));
}
