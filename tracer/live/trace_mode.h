// How a launched command is traced: one mode, chosen in one place (plan_trace) from what the
// user asked for, with the seccomp filter's set that goes with it. Attached processes are
// always traced in full: a filter cannot be removed on detach.
#pragma once

#include <functional>
#include <vector>

#include "gotrace/syscall_filter.h"
#include "gotrace/syscall_table.h"
#include "syscall_tamper.h"

namespace gotrace::live {

enum class TraceMode : uint8_t {
  // No filter: every call stops (--full, or when the set is every call anyway).
  Full,
  // The filter stops what is shown or acted on (-c, -C, --trace, -e trace=, --format,
  // --inject) plus what the diagnosis reads.
  Shown,
  // Only the diagnosis reads the trace, every call it can use stops (--thorough); reads and
  // writes of local regular files opened during the trace run without an exit stop
  // (quiet_fds.h).
  Diagnosis,
  // The default when only the diagnosis reads: the filter stops state changes only, and a
  // process stops at every call only while that matters (light_policy.h).
  Light,
};

// What the command line asks, in the live source's terms.
struct TraceRequest {
  bool full = false;           // --full
  bool light = true;           // light mode wanted (not --thorough)
  bool shows_calls = false;    // -c, -C, --trace, -e trace=, --format: some calls are shown
  SyscallFilter shown;         // ... which ones
  bool diagnose = true;        // a report or --fail-on reads the trace
  std::vector<engine::TamperRule> inject;
  std::function<bool(SysNo)> diagnosis_needs;    // the diagnosis reads this call
  std::vector<ArgCondition> diagnosis_only_when;  // ... only for these argument values
  // The live status line is drawn on the terminal: light mode stops writes to fd 1 too (not
  // only fd 2), so that the line is erased before the command's own output.
  bool terminal_status = false;
};

struct TracePlan {
  TraceMode mode = TraceMode::Full;
  std::vector<bool> traced;  // by SysNo, for the filter; empty in Full mode
  std::vector<ArgCondition> only_when;  // traced rows that stop only for these values
};

TracePlan plan_trace(const TraceRequest& r);

}  // namespace gotrace::live
