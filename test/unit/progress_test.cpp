// The stall detector's idea of progress: bytes the kernel saw the command read or write
// (Tick.io_bytes) count even when those calls never stopped the tracer (light mode).
#include <catch2/catch.hpp>

#include "diagnosis.h"
#include "event_script.h"

using namespace gotrace;
using analyzers::Diagnosis;
using test::EventScript;

namespace {

// A command started at 0, then one Tick a second for `seconds`, moving `bytes(i)` at tick i.
template <typename Bytes>
std::vector<std::string> stalls_with(int seconds, Bytes bytes) {
  EventScript s;
  s.start().process(5);
  for (int i = 1; i <= seconds; ++i) s.after_ms(1000).tick(bytes(i));
  std::vector<std::string> stalls;
  Diagnosis d({}, [&](const std::string& r) { stalls.push_back(r); });
  s.play(d);
  return stalls;
}

}  // namespace

TEST_CASE("bytes moved unseen are progress; no bytes and no calls is a stall", "[progress]") {
  CHECK(stalls_with(15, [](int) { return 4096; }).empty());
  auto idle = stalls_with(15, [](int) { return 0; });
  REQUIRE(idle.size() == 1);
  CHECK_THAT(idle[0], Catch::StartsWith("gotrace: [no progress for 10.0 s"));
}

TEST_CASE("bytes moved count from the previous tick: a stall is never reported late", "[progress]") {
  // Bytes moved up to tick 3, i.e. at some time after tick 2: the stall (10 s) is reported
  // at tick 12, 10 s after the earliest time they may have moved.
  auto stalls = stalls_with(15, [](int i) { return i <= 3 ? 100 : 0; });
  REQUIRE(stalls.size() == 1);
  CHECK_THAT(stalls[0], Catch::StartsWith("gotrace: [no progress for 10.0 s"));
  // A new stall after bytes moved again is reported again.
  auto twice = stalls_with(30, [](int i) { return i == 15 ? 100 : 0; });
  CHECK(twice.size() == 2);
}
