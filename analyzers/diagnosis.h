// Diagnosis: runs every analyzer over the stream, ranks their findings, and words the
// report: one verdict line, evidence, what to try. Also the stall detector: when no thread
// of the command has made progress for `stall` (by event time, driven by Tick events), it
// hands a report to `on_stall` right away, so a command hung for an hour is explained
// after seconds. Live and replay print the same reports at the same trace times.
#pragma once

#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "analyzers.h"
#include "finding.h"
#include "process_table.h"
#include "time_account.h"

namespace gotrace::analyzers {

struct DiagnosisOptions {
  Nanos stall{std::chrono::seconds(10)};  // 0 disables stall reports
  Nanos wait_threshold{std::chrono::seconds(2)};
};

class Diagnosis final : public EventConsumer {
 public:
  using StallCallback = std::function<void(const std::string& text)>;
  explicit Diagnosis(DiagnosisOptions opt, StallCallback on_stall = {});
  void on_event(const Event& e) override;

  // Whether some analyzer (or the process table they share) needs to see this syscall.
  bool needs(SysNo s) const;
  // Needed calls that matter only with some argument values. No analyzer but the process
  // table reads these calls (fcntl), so its conditions are the diagnosis's.
  std::vector<ArgCondition> needed_only_when() const { return ProcessTable::needed_only_when(); }

  // All findings, most important first (severity, then time lost, then time).
  std::vector<Finding> ranked() const;
  // Ends with '\n'; with `account`, followed by where the run's time went (time_account.h).
  std::string text_report(bool account = true) const;
  std::string json_report() const;  // one JSON object + '\n'
  const ProcessTable& table() const { return table_; }
  // The longest network wait going on at `now` (the live status line).
  std::optional<NetworkWait::Waiting> longest_wait(Nanos now) const;

 private:
  bool is_progress(const Event& e) const;
  std::vector<Finding> stall_findings() const;
  std::string render(const std::vector<Finding>& fs, const std::string& prefix) const;
  std::string verdict_text() const;  // the findings, or that there are none
  void park(Nanos ts);
  std::optional<Finding> no_progress_at_end() const;

  DiagnosisOptions opt_;
  StallCallback on_stall_;
  ProcessTable table_;
  std::vector<std::unique_ptr<Analyzer>> analyzers_;
  TimeAccount account_;
  Nanos last_progress_{0};
  Nanos last_tick_{0};  // bytes a Tick reports moved after this: progress at least then
  bool stall_reported_ = false;
  // Where the threads were parked at the last Tick of a quiet period (stall_findings), from
  // when (the last progress), and the first progress after it (the exit), if any.
  std::vector<Finding> parked_;
  Nanos parked_from_{0};
  Nanos quiet_end_ = Nanos::min();
  bool all_futex_ = false;  // every call in flight then was futex or Go's idle waits, none I/O
  bool go_parked_ = false;  // with Go's netpoller or sysmon among them
  bool timer_ = false;      // the netpoller's wait has a timeout: a timer is pending

  bool ended_ = false;
  uint64_t syscalls_ = 0;
  int32_t exit_status_ = -1;
  bool filtered_ = false;  // TraceStart: a seccomp filter let most calls run unseen
  EndReason end_reason_ = EndReason::AllExited;
};

}  // namespace gotrace::analyzers
