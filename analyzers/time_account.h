// Where a run's wall time went: the network phases of its connections by peer (DNS, TCP
// connect, TLS handshake, waiting for the first byte of a response, receiving it), and its
// child processes by command (compile, link, git). Printed under every final report, and a
// finding of its own when waits dominate a run that took seconds, so that a download made
// slow by a proxy that answers each request after 4 s is named although no single wait
// reached the threshold of a network finding.
//
// Times are unions of intervals: parallel downloads overlap, and a second spent waiting on
// two connections at once is one second of the run.
#pragma once

#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "analyzers.h"
#include "finding.h"
#include "process_table.h"

namespace gotrace::analyzers {

class TimeAccount {
 public:
  TimeAccount(const ProcessTable& t, const NetworkWait& net) : table_(t), net_(net) {}
  // The blocking waits the account counts besides the network's (file locks, getrandom),
  // as seen calls end; those known from /proc are in the process table.
  void on_event(const Event& e);
  // "  time: ..." lines for the report (none when nothing took time). `run` is the run's
  // wall time.
  std::vector<std::string> lines() const;
  // When the run took at least kSlowRun and its network phases cover at least half of it
  // (or a quarter, and more than its CPU time and its child processes):
  // "go mod download took 17.8 s: 12.0 s waiting for module proxy ... to start answering
  // (3 requests, 4.0 s each), 5.9 s receiving 501 bytes of .zip (85 B/s)".
  std::optional<Finding> slow_run() const;

  static constexpr Nanos kSlowRun = std::chrono::seconds(2);
  // A wait or a transfer the verdict names: at least this long.
  static constexpr Nanos kLong = std::chrono::milliseconds(500);

  // One peer and phase: how many, the union of their intervals, the longest, bytes.
  struct Group {
    std::string who;
    NetworkWait::Phase phase;
    int count = 0;
    Nanos total{0}, longest{0};
    Nanos sum{0};  // of the spans' own lengths (total counts overlaps once)
    uint64_t bytes = 0;
    std::vector<std::string> what;  // distinct names (DNS) or request kinds (".zip")
    std::string first;              // the first span's request or download, as seen
  };
  struct Item {  // one span and its peer
    const std::string* who;
    const NetworkWait::Span* span;
  };

 private:
  // Largest first; only spans at least `min` long.
  static std::vector<Group> groups(const std::vector<Item>& items, Nanos min = Nanos{0});
  // "; lock waits 12.0 s (1); getrandom 6.0 s (2 calls)": what else the run waited on.
  std::string other_waits() const;
  // The child processes (all but the root): command name, and from start to end (or now).
  std::vector<std::pair<std::string, std::pair<Nanos, Nanos>>> child_lives() const;
  const ProcessTable& table_;
  const NetworkWait& net_;
  enum class WaitKind { None, Lock, Getrandom };
  static WaitKind kind_of(const SyscallEnter& c);
  std::unordered_map<int32_t, Nanos> entered_;                        // tid -> a wait's entry
  Usage usage_;  // CPU and storage I/O of the traced processes (Tick, TraceEnd)
  std::vector<std::pair<WaitKind, std::pair<Nanos, Nanos>>> waits_;  // seen, ended
};

// The union of intervals [from, to), as a duration.
Nanos union_of(std::vector<std::pair<Nanos, Nanos>> v);

}  // namespace gotrace::analyzers
