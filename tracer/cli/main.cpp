// gotrace's entry point: builds the pipeline (source -> fanout -> sinks, summary), owns the
// exit status. The only place exceptions are caught.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "gotrace/error.h"
#include "gotrace/output.h"
#include "gotrace/version.h"
#include "live_source.h"
#include "options.h"
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
  lo.capture.buffer_limit = opt.string_limit;
  lo.capture.fd_detail = opt.fd_detail;
  live::LiveSource source(lo);
  source.launch(opt.command);

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

  source.run(fanout);

  if (opt.summary) {
    out.write(summary.table());
    out.write(summary.unfinished());
  }
  out.flush();
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
    if (status < 0) return 0;
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
