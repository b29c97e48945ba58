// Pipeline assembly. See pipeline.h.
#include "pipeline.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "chrome_sink.h"
#include "jsonl_sink.h"
#include "record_writer.h"
#include "snapshot_report.h"
#include "text_sink.h"

namespace gotrace::cli {

class Pipeline::EndWatcher final : public EventConsumer {
 public:
  void on_event(const Event& e) override {
    if (const auto* end = std::get_if<TraceEnd>(&e.body)) status = end->exit_status;
  }
  int status = -1;
};

Pipeline::Pipeline(const Options& opt) : opt_(opt) {
  stderr_out_ = std::make_unique<Output>(STDERR_FILENO, false, "stderr");
  if (!opt.output_path.empty()) file_out_ = Output::open_file(opt.output_path);
  out_ = file_out_ ? file_out_.get() : stderr_out_.get();
  bool json_trace = opt.format != "text";
  summary_out_ = json_trace ? stderr_out_.get() : out_;
  if (!opt.report_file.empty()) report_file_ = Output::open_file(opt.report_file);
  report_out_ = report_file_ ? report_file_.get() : summary_out_;

  end_ = std::make_unique<EndWatcher>();
  fanout_.add(*end_);
  if (!opt.record_path.empty()) {
    auto writer = std::make_unique<record::RecordWriter>(opt.record_path);
    recorder_ = writer.get();
    fanout_.add(*writer);
    owned_.push_back(std::move(writer));
  }
  format::FormatOptions fmt_opt;
  fmt_opt.string_limit = opt.string_limit;
  fmt_opt.fd_detail = opt.fd_detail;
  fmt_opt.xlat = opt.xlat;
  fmt_opt.verbose = opt.verbose;
  auto snapshot = std::make_unique<sinks::SnapshotReport>(*summary_out_, fmt_opt);
  fanout_.add(*snapshot);
  owned_.push_back(std::move(snapshot));
  if (opt.format == "jsonl") {
    owned_.push_back(std::make_unique<sinks::JsonlSink>(*out_));
    fanout_.add(*owned_.back());
  } else if (opt.format == "chrome") {
    owned_.push_back(std::make_unique<sinks::ChromeSink>(*out_));
    fanout_.add(*owned_.back());
  } else if (opt.trace) {
    sinks::TextOptions to;
    to.format = fmt_opt;
    to.timestamps = opt.timestamps;
    to.durations = opt.durations;
    to.to_file = !opt.output_path.empty();
    to.pid_column = to.to_file && opt.follow;
    to.children = opt.follow;
    to.format.column = static_cast<uint32_t>(opt.column);
    to.signals = opt.signals;
    to.dump_read = opt.dump_read;
    to.dump_write = opt.dump_write;
    to.paths = opt.trace_paths;
    to.show_stacks = opt.stacks;
    to.filter = opt.filter;
    owned_.push_back(std::make_unique<sinks::TextSink>(*out_, std::move(to)));
    fanout_.add(*owned_.back());
  }
  summary_ = std::make_unique<analyzers::Summary>(opt.sort, opt.filter);
  if (opt.summary) fanout_.add(*summary_);
  analyzers::DiagnosisOptions dopt;
  dopt.stall = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(opt.stall_s));
  diagnosis_ = std::make_unique<analyzers::Diagnosis>(dopt, [this](const std::string& report) {
    if (opt_.report == "text") {
      summary_out_->write(report);
      summary_out_->flush();
    }
  });
  if (opt.report != "none" || opt.fail_on > 0) fanout_.add(*diagnosis_);
  if (opt.status_line) {
    winsize ws{};
    int width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    status_ = std::make_unique<analyzers::StatusLine>(*stderr_out_, *diagnosis_, width);
    fanout_.add(*status_);  // after the diagnosis: it has seen the Tick it draws at
  }
}

Pipeline::~Pipeline() {
  if (stderr_out_) {
    stderr_out_->erase_status();
    stderr_out_->flush();
  }
}

void Pipeline::finish() {
  if (recorder_) {
    recorder_->finish();
    if (!recorder_->error().empty())
      stderr_out_->write("gotrace: recording " + recorder_->partial_path() + " is incomplete: " +
                         recorder_->error() + "\n");
  }
  if (opt_.report == "text") report_out_->write(diagnosis_->text_report(!opt_.summary_only));
  if (opt_.report == "json") report_out_->write(diagnosis_->json_report());
  report_out_->flush();
  if (opt_.summary) {
    summary_out_->write(summary_->table());
    if (!opt_.summary_only) summary_out_->write(summary_->error_breakdown());  // -c: the table, as strace -c
    summary_out_->write(summary_->unfinished());
  }
  summary_out_->flush();
  out_->flush();
  // Output lost (a full disk, /dev/full, a closed pipe): said once per output, as strace
  // does ("strace: FILE: No space left on device"), and in the exit status.
  for (Output* o : {file_out_.get(), report_file_.get()})
    if (o) o->close();
  for (Output* o : {file_out_.get(), report_file_.get(), stderr_out_.get()}) {
    if (!o || o->error() == 0) continue;
    output_failed_ = true;
    if (o != stderr_out_.get() && o->error() != EPIPE)
      fmt::print(stderr, "gotrace: {}: {}\n", o->name(), std::strerror(o->error()));
  }
  if (recorder_ && !recorder_->error().empty()) output_failed_ = true;
}

int Pipeline::exit_status() const {
  int status = end_->status;
  // The command succeeded (or was only attached to) but what gotrace wrote was lost.
  if (output_failed_ && (status < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 0))) return 1 << 8;
  if (opt_.fail_on > 0 && status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::vector<analyzers::Finding> fs = diagnosis_->ranked();
    if (!fs.empty() && static_cast<int>(fs.front().severity) >= opt_.fail_on) return 3 << 8;
  }
  return status;
}

}  // namespace gotrace::cli
