// The strace-like text trace: one line per syscall, `<unfinished ...>` / `<... resumed>`
// when threads interleave, signal and exit lines. A consumer: the same text live and replayed.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "gotrace/consumer.h"
#include "gotrace/format.h"
#include "gotrace/number_set.h"
#include "gotrace/output.h"
#include "gotrace/syscall_filter.h"

namespace gotrace::sinks {

enum class Timestamps { None, Seconds /* -t */, Micros /* -tt */, Epoch /* -ttt */ };

struct TextOptions {
  format::FormatOptions format;
  Timestamps timestamps = Timestamps::None;
  bool durations = false;       // -T
  // The pid prefix, as strace: "PID  " on every line to a file with -f (-o FILE -f);
  // otherwise only while more than one task is traced, "PID  " to a file, "[pid  PID] "
  // to stderr.
  bool to_file = false;
  bool pid_column = false;
  NumberSet signals;            // -e signal=: the signals shown
  NumberSet dump_read;          // -e read=: fds whose data read is dumped in hex
  NumberSet dump_write;         // -e write=
  std::vector<std::string> paths;  // -P: only calls naming one of these or using an fd on it
  // -f: the lines of the command's child processes too. Without it the trace shows the
  // traced processes' own threads only, as strace without -f shows no child (gotrace still
  // follows every child: the analyzers and the summary see them).
  bool children = true;
  bool show_stacks = false;     // -k: stacks under the calls (without it, stacks taken for the
                                // findings' evidence are not printed in the trace)
  SyscallFilter filter;
};

class TextSink final : public EventConsumer {
 public:
  TextSink(Output& out, TextOptions opt) : out_(out), opt_(std::move(opt)) {}
  void on_event(const Event& e) override;

 private:
  void begin_line(const Event& e);
  bool on_paths(SysNo s, const Args& args) const;
  void close_open_line();
  void finish_line();

  // One overload per event body the sink acts on; on_event dispatches with std::visit.
  void handle(const Event& e, const SyscallEnter& enter);
  void handle(const Event& e, const SyscallExit& exit);
  void handle(const Event& e, const Stack& st);
  void handle(const Event& e, const Signal& sig);
  void handle(const Event& e, const ThreadExit& gone);
  void handle(const Event& e, const ProcessStart& start);
  void handle(const Event& e, const ThreadStart& start);
  void handle(const Event& e, const Exec& exec);
  void handle(const Event& e, const TraceStart& start);
  void handle(const Event& e, const Tick& tick);
  void handle(const Event& e, const TraceEnd& end);
  // The rest (Snapshot, ThreadStates) has nothing to print.
  template <class Body>
  void handle(const Event&, const Body&) {}

  Output& out_;
  TextOptions opt_;
  std::string line_;
  int32_t open_tid_ = 0;                   // tid whose call line is open (entry printed)
  std::unordered_set<int32_t> live_;       // tasks alive, for the [pid N] prefix rule
  std::unordered_set<int32_t> hidden_;     // child processes (by pid) not shown: no -f
  bool pid_column_ = false;                // -o: more than one task was traced once
  // By tid: whether its current call's entry was shown. Entries stay (false) between
  // calls, so a call costs no allocation; erased when the thread exits.
  std::unordered_map<int32_t, bool> shown_;
  int64_t wall_base_ns_ = 0;
  // Stacks (-k): printed under the line that completes their call, as strace -k does.
  std::unordered_map<int32_t, uint64_t> entry_call_;  // tid -> call whose entry was shown
  std::unordered_map<int32_t, uint64_t> done_call_;   // tid -> call whose line is complete
  std::unordered_map<int32_t, std::pair<uint64_t, std::string>> pending_stack_;  // tid -> call, lines
};

}  // namespace gotrace::sinks
