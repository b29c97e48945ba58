// What analyzers report: a ranked finding with a verdict worded for a Go developer, the
// evidence behind it, and what to try. Analyzers are pure consumers of the event stream.
#pragma once

#include <string>
#include <vector>

#include "gotrace/consumer.h"

namespace gotrace::analyzers {

enum class Severity { Info = 0, Warning = 1, Error = 2 };

const char* severity_name(Severity s);  // "info", "warning", "error"

struct Finding {
  Severity severity = Severity::Warning;
  std::string kind;                   // stable id: "fd_exhaustion", "http_no_response", ...
  std::string verdict;                // one line, the cause in the user's words
  std::vector<std::string> evidence;  // syscalls, fds, times
  std::vector<std::string> tries;     // remedies
  double seconds_lost = 0;            // ranking within a severity
  int32_t pid = 0;
  int32_t tid = 0;
  Nanos at{0};                        // trace time of the decisive event
};

class Analyzer : public EventConsumer {
 public:
  // Findings as of the last event seen (during a stall, or after TraceEnd).
  virtual std::vector<Finding> findings() const = 0;
  // Whether the analyzer needs to see this syscall (the fast path stops only on these).
  // Answered from the table's flags, never from a list of names.
  virtual bool needs(const SyscallInfo& s) const = 0;
};

}  // namespace gotrace::analyzers
