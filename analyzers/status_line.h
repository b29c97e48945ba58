// The live status line: while a traced command runs with stderr on a terminal, one line
// redrawn in place at each Tick (once a second) says how far it got and what it waits for:
//   gotrace: 12 s; 2 processes, 14 threads; 1,234 calls seen; 15.6 MB moved; waiting 3.2 s for an answer from module proxy 127.0.0.1:8999 (GOPROXY entry 1 of 1)
// Output::status draws it; anything else written to that Output erases it first, and
// before_command_write() erases it before the command itself writes to the terminal.
#pragma once

#include "diagnosis.h"
#include "gotrace/consumer.h"
#include "gotrace/output.h"

namespace gotrace::analyzers {

class StatusLine final : public EventConsumer {
 public:
  // `width`: the terminal's columns; the line is cut to one less (a wrapped line cannot be
  // erased in place).
  StatusLine(Output& out, const Diagnosis& diagnosis, int width) : out_(out), diag_(diagnosis), width_(width) {}
  void on_event(const Event& e) override;
  // The line for the trace so far, at event time `now`, at most `width` - 1 columns.
  std::string text(Nanos now) const;
  void before_command_write() { out_.erase_status(), out_.flush(); }

 private:
  Output& out_;
  const Diagnosis& diag_;
  int width_;
  Nanos start_{-1};
  uint64_t calls_ = 0;
  uint64_t bytes_ = 0;
  std::unordered_map<int32_t, int32_t> threads_;  // live tid -> pid
};

}  // namespace gotrace::analyzers
