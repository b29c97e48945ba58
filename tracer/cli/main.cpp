// gotrace's entry point: builds the pipeline (source -> fanout -> sinks, summary), owns the
// exit status. The only place exceptions are caught.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "gotrace/error.h"
#include "gotrace/output.h"
#include "gotrace/version.h"
#include "live_source.h"
#include "options.h"
#include "diagnosis.h"
#include "snapshot_report.h"
#include "summary.h"
#include "text_sink.h"

namespace {

using namespace gotrace;

// Ends gotrace the way the traced command ended: same exit code, or death by the same
// signal (as strace does), without a core dump of our own.
[[noreturn]] void exit_like(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(sig);
    std::_Exit(128 + sig);  // a signal that does not kill (e.g. ignored by the parent): exit
  }
  std::_Exit(WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 1);
}

void on_stop_signal(int sig) { live::LiveSource::request_stop(sig); }

// Records the end of the trace: the launched command's status.
class EndWatcher final : public EventConsumer {
 public:
  void on_event(const Event& e) override {
    if (const auto* end = std::get_if<TraceEnd>(&e.body)) status = end->exit_status;
  }
  int status = -1;
};

int run(const cli::Options& opt) {
  live::LiveOptions lo;
  // Analyzers read request lines, TLS ClientHellos and DNS packets from socket buffers.
  lo.capture.buffer_limit = std::max<uint32_t>(opt.string_limit, opt.report == "none" ? 0 : 1024);
  lo.capture.fd_detail = opt.fd_detail;
  lo.duration = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(opt.duration_s));
  live::LiveSource source(lo);
  if (!opt.attach_pids.empty()) {
    for (const live::AttachedProcess& a : source.attach(opt.attach_pids))
      if (a.threads == 0) fmt::print(stderr, "gotrace: process {} exited while attaching\n", a.pid);
  }
  if (!opt.command.empty()) source.launch(opt.command);

  // After the fork: the command keeps gotrace's original signal dispositions.
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<Output> file_out;
  Output stderr_out(STDERR_FILENO);
  if (!opt.output_path.empty()) file_out = Output::open_file(opt.output_path);
  Output& out = file_out ? *file_out : stderr_out;

  Fanout fanout;
  EndWatcher end;
  fanout.add(end);
  format::FormatOptions snapshot_format;
  snapshot_format.string_limit = opt.string_limit;
  sinks::SnapshotReport snapshot(out, snapshot_format);
  fanout.add(snapshot);
  std::unique_ptr<sinks::TextSink> text;
  if (opt.trace) {
    sinks::TextOptions to;
    to.format.string_limit = opt.string_limit;
    to.format.fd_detail = opt.fd_detail;
    to.timestamps = opt.timestamps;
    to.durations = opt.durations;
    to.pid_column = !opt.output_path.empty();
    to.show_sigurg = opt.show_sigurg;
    to.show_signals = opt.show_signals;
    to.filter = opt.filter;
    text = std::make_unique<sinks::TextSink>(out, std::move(to));
    fanout.add(*text);
  }
  analyzers::Summary summary(opt.sort, opt.filter);
  if (opt.summary) fanout.add(summary);
  std::unique_ptr<Output> report_file;
  if (!opt.report_file.empty()) report_file = Output::open_file(opt.report_file);
  Output& report_out = report_file ? *report_file : out;
  analyzers::DiagnosisOptions dopt;
  dopt.stall = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(opt.stall_s));
  analyzers::Diagnosis diagnosis(dopt, [&](const std::string& stall_report) {
    if (opt.report == "text") {
      out.write(stall_report);
      out.flush();
    }
  });
  if (opt.report != "none" || opt.fail_on > 0) fanout.add(diagnosis);

  source.run(fanout);
  for (int pid : opt.attach_pids)
    if (kill(pid, 0) == 0 || errno != ESRCH) out.write(fmt::format("gotrace: Process {} detached\n", pid));

  if (opt.report == "text") report_out.write(diagnosis.text_report());
  if (opt.report == "json") report_out.write(diagnosis.json_report());
  report_out.flush();
  if (opt.summary) {
    out.write(summary.table());
    out.write(summary.unfinished());
  }
  out.flush();
  if (opt.fail_on > 0 && end.status >= 0 && WIFEXITED(end.status) && WEXITSTATUS(end.status) == 0) {
    std::vector<analyzers::Finding> fs = diagnosis.ranked();
    if (!fs.empty() && static_cast<int>(fs.front().severity) >= opt.fail_on) return 3 << 8;
  }
  return end.status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    cli::Options opt = cli::parse_options(argc, argv);
    if (opt.help) {
      std::fputs(cli::help_text().c_str(), stdout);
      return 0;
    }
    if (opt.version) {
      std::printf("gotrace %s\n", GOTRACE_VERSION);
      return 0;
    }
    int status = run(opt);
    if (status < 0) {
      // Only attached processes: like strace, die of the signal that ended the trace.
      if (int sig = live::LiveSource::stop_signal()) exit_like(sig);  // wait status "killed by sig"
      return 0;
    }
    exit_like(status);
  } catch (const UsageError& e) {
    fmt::print(stderr, "gotrace: {} (see gotrace --help)\n", e.what());
    return 2;
  } catch (const SetupError& e) {
    fmt::print(stderr, "gotrace: {}\n", e.what());
    return 1;
  } catch (const RecordFormatError& e) {
    fmt::print(stderr, "gotrace: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "gotrace: internal error: {}\n", e.what());
    return 70;
  }
}
