// The consumers one run feeds, built from the options the same way for a live trace and for
// a replay, so both print the same text: snapshot report, trace (text, jsonl or chrome),
// recorder, summary, diagnosis. Owns the outputs they write to.
#pragma once

#include <memory>

#include "diagnosis.h"
#include "gotrace/consumer.h"
#include "gotrace/output.h"
#include "options.h"
#include "record_writer.h"
#include "status_line.h"
#include "summary.h"

namespace gotrace::cli {

class Pipeline {
 public:
  // Opens -o, --report-file and --record files. Throws SetupError when one cannot be opened.
  explicit Pipeline(const Options& opt);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  EventConsumer& consumer() { return fanout_; }
  // The live status line, when opt.status_line (nullptr otherwise).
  analyzers::StatusLine* status_line() { return status_.get(); }

  // After the source ran: prints the diagnosis, then the summary; flushes everything.
  void finish();

  // The launched command's wait status (-1 when nothing was launched), or "exited 3" when
  // --fail-on matched a finding and the command itself succeeded.
  int exit_status() const;
  // After finish(): some output could not be written (said on stderr, with its name).
  bool output_failed() const { return output_failed_; }

 private:
  class EndWatcher;
  const Options& opt_;
  std::unique_ptr<Output> stderr_out_;
  std::unique_ptr<Output> file_out_;
  std::unique_ptr<Output> report_file_;
  Output* out_ = nullptr;         // the trace and, for text, everything else
  Output* summary_out_ = nullptr;  // stderr when the trace is JSON on the same output
  Output* report_out_ = nullptr;
  bool output_failed_ = false;
  Fanout fanout_;
  std::vector<std::unique_ptr<EventConsumer>> owned_;
  record::RecordWriter* recorder_ = nullptr;
  std::unique_ptr<EndWatcher> end_;
  std::unique_ptr<analyzers::Summary> summary_;
  std::unique_ptr<analyzers::Diagnosis> diagnosis_;
  std::unique_ptr<analyzers::StatusLine> status_;
};

}  // namespace gotrace::cli
