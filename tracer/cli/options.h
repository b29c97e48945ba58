// Command-line options: strace's flags where they mean the same thing, parsed with
// Boost.Program_options after a small strace-compatible pre-pass (-tt, -yy, options stop
// at the first non-option word so `gotrace -c go build` works without "--").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gotrace/format.h"
#include "gotrace/number_set.h"
#include "gotrace/syscall_filter.h"
#include "summary.h"
#include "tamper_spec.h"
#include "text_sink.h"

namespace gotrace::cli {

// Every signal but Go's SIGURG preemption (noise in a Go trace; -e signal=all shows it).
inline NumberSet default_signals() {
  NumberSet s;
  s.add(23);  // SIGURG
  s.negate();
  return s;
}

struct Options {
  bool help = false;
  bool version = false;
  bool trace = false;    // --trace / -C: print the per-syscall trace
  bool summary = true;   // the -c table (on unless --no-summary)
  bool summary_only = false;  // -c: the verdict line and the table, nothing else below it
  std::string output_path;  // -o; empty = stderr
  sinks::Timestamps timestamps = sinks::Timestamps::None;
  bool durations = false;
  bool follow = false;   // -f: with -o, the pid column from the first line
  int column = 40;       // -a: the column return values are aligned at
  int fd_detail = 0;
  uint32_t string_limit = 32;
  SyscallFilter filter;
  NumberSet signals = default_signals();  // -e signal=: the signals the trace shows
  NumberSet dump_read, dump_write;        // -e read= / -e write=: fds whose data is dumped
  bool verbose = false;                   // -v
  format::XlatStyle xlat = format::XlatStyle::Abbrev;  // -X
  std::vector<std::string> trace_paths;   // -P
  analyzers::SortKey sort = analyzers::SortKey::Time;
  std::vector<std::string> command;
  std::vector<int> attach_pids;  // -p
  double stall_s = 10;           // --stall: report while running after this long without progress
  std::string report = "text";   // --report=text|json|none
  std::string report_file;       // --report-file: the report goes there instead of the output
  int fail_on = 0;               // --fail-on: 0 never, 1 warning, 2 error
  std::string record_path;       // --record FILE
  std::string format = "text";   // --format=text|jsonl|chrome: how the trace is written
  bool full = false;             // --full: no seccomp filter, every syscall stops
  bool light = true;             // light mode (default; not with --full or --thorough)
  bool show_filter = false;      // --show-filter: print the filter's set and exit
  bool selection_explicit = false;  // -c, -C, --trace, -e trace=, --format: the user chose what to see
  bool replay = false;           // `gotrace replay FILE`
  bool from_strace = false;      // `gotrace replay --from-strace LOG`
  std::string replay_path;
  bool kill_on_exit = false;     // --kill-on-exit: PTRACE_O_EXITKILL without the filter too
  double duration_s = 0;         // --duration: 0 = until the command ends or Ctrl-C
  std::vector<engine::TamperRule> inject;   // --inject, -e inject=, -e fault=
  std::vector<engine::ChildRlimit> rlimits; // --rlimit: the launched command's limits
  bool stacks = false;           // -k / --stack: a call stack under every traced syscall
  // The live status line, unless -q or --no-status; shown only when stderr is a terminal
  // that no trace output shares (main.cpp decides, status_line.h draws).
  bool status_line = true;
};

// Throws UsageError with a one-line message.
Options parse_options(int argc, char** argv);

std::string help_text();

}  // namespace gotrace::cli
