// The instant picture printed when gotrace attaches to a process: what every thread is
// blocked in right now and for how long, the fds (sockets with addresses and TCP state),
// the limits, and the Go environment; then "Process N attached with M threads" as strace
// says it. A consumer of Snapshot events, so replays print it too.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gotrace/consumer.h"
#include "gotrace/format.h"
#include "gotrace/output.h"

namespace gotrace::sinks {

// The report for one process's snapshot; `argv` names it.
std::string describe_snapshot(int pid, const std::vector<std::string>& argv, const Snapshot& s,
                              const format::FormatOptions& opt);

class SnapshotReport final : public EventConsumer {
 public:
  SnapshotReport(Output& out, format::FormatOptions opt) : out_(out), opt_(opt) {}
  void on_event(const Event& e) override;

 private:
  Output& out_;
  format::FormatOptions opt_;
  std::unordered_set<int32_t> attached_;
  std::unordered_map<int32_t, std::vector<std::string>> argv_;
  std::unordered_map<int32_t, int> threads_;  // seized threads per process, at attach
};

}  // namespace gotrace::sinks
