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
#include "trace_mode.h"
#include "options.h"
#include "diagnosis.h"
#include "pipeline.h"
#include "replay_source.h"
#include "strace_import.h"

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

void on_stop_signal(int sig, siginfo_t* info, void*) {
  // The sender, when a process sent it (kill, tgkill, sigqueue); 0 when the kernel did.
  bool sent = info && (info->si_code == SI_USER || info->si_code == SI_TKILL || info->si_code == SI_QUEUE);
  live::LiveSource::request_stop(sig, sent ? info->si_pid : 0);
}

// The live status line is drawn when stderr is a terminal that nothing else streams to: no
// trace, JSON trace or JSON report on it.
bool status_line_wanted(const cli::Options& opt) {
  bool stderr_streamed = opt.output_path.empty() && (opt.trace || opt.format != "text");
  bool json_report = opt.report == "json" && opt.report_file.empty();
  return opt.status_line && isatty(STDERR_FILENO) && !stderr_streamed && !json_report;
}

// The trace mode and filter set for these options (live::plan_trace decides).
live::TracePlan trace_plan(const cli::Options& opt) {
  live::TraceRequest r;
  r.full = opt.full;
  r.light = opt.light;
  r.shows_calls = opt.selection_explicit;
  r.shown = opt.filter;
  r.diagnose = opt.report != "none" || opt.fail_on > 0;
  r.inject = opt.inject;
  analyzers::Diagnosis diagnosis({});
  r.diagnosis_needs = [&diagnosis](SysNo s) { return diagnosis.needs(s); };
  r.diagnosis_only_when = diagnosis.needed_only_when();
  r.terminal_status = status_line_wanted(opt);
  return live::plan_trace(r);
}

// --show-filter: the set run_live would give the filter, as strace's -e trace= spells it.
int show_filter(const cli::Options& opt) {
  live::TracePlan plan = trace_plan(opt);
  const std::vector<bool>& traced = plan.traced;
  if (traced.empty()) {
    std::puts("all");
    return 0;
  }
  std::string names;
  for (std::size_t i = 0; i < kSyscallCount; ++i)
    if (traced[i] && syscall_number(kHostArch, static_cast<SysNo>(i)) >= 0)
      names += (names.empty() ? "" : ",") + std::string(syscall_info(static_cast<SysNo>(i)).name);
  std::puts(names.c_str());
  for (const ArgCondition& c : plan.only_when) {
    std::string values;
    for (uint32_t v : c.values) values += (values.empty() ? "" : ",") + std::to_string(v);
    fmt::print("# {} stops only when argument {} is {}\n", syscall_info(c.sysno).name, c.arg + 1, values);
  }
  return 0;
}

int run_live(const cli::Options& given) {
  cli::Options opt = given;
  opt.status_line = status_line_wanted(opt);
  analyzers::StatusLine* status_line = nullptr;  // set once the pipeline exists
  live::LiveOptions lo;
  if (opt.status_line)
    lo.before_terminal_write = [&status_line] {
      if (status_line) status_line->before_command_write();
    };
  // Analyzers read request lines, TLS ClientHellos and DNS packets from socket buffers.
  lo.capture.buffer_limit = std::max<uint32_t>(opt.string_limit, opt.report == "none" ? 0 : 1024);
  lo.capture.fd_detail = std::max(opt.fd_detail, opt.trace_paths.empty() ? 0 : 1);  // -P matches fd targets
  lo.capture.dump_read = opt.dump_read;
  lo.capture.dump_write = opt.dump_write;
  lo.kill_on_exit = opt.kill_on_exit;
  lo.duration = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(opt.duration_s));
  lo.inject = opt.inject;
  lo.rlimits = opt.rlimits;
  lo.stacks = opt.stacks;
  lo.stack_filter = opt.filter;
  live::TracePlan plan = trace_plan(opt);
  lo.mode = plan.mode;
  lo.traced = std::move(plan.traced);
  lo.traced_only_when = std::move(plan.only_when);
  live::LiveSource source(lo);
  if (!opt.attach_pids.empty()) {
    for (const live::AttachedProcess& a : source.attach(opt.attach_pids))
      if (a.threads == 0) fmt::print(stderr, "gotrace: process {} exited while attaching\n", a.pid);
  }
  if (!opt.command.empty()) source.launch(opt.command);

  // After the fork: the command keeps gotrace's original signal dispositions.
  // strace's set, plus SIGUSR1/2 (which end the trace without passing anything on).
  struct sigaction sa {};
  sa.sa_sigaction = on_stop_signal;
  sa.sa_flags = SA_SIGINFO;
  constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  sigemptyset(&sa.sa_mask);
  for (int sig : kStopSignals) sigaddset(&sa.sa_mask, sig);  // one handler at a time
  for (int sig : kStopSignals) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  cli::Pipeline pipeline(opt);
  status_line = pipeline.status_line();
  source.run(pipeline.consumer());
  for (const std::string& n : source.notes()) fmt::print(stderr, "gotrace: {}\n", n);
  if (!source.filter_problem().empty())
    fmt::print(stderr, "gotrace: {}: every syscall was traced instead\n", source.filter_problem());
  pipeline.finish();
  int status = pipeline.exit_status();
  // The user asked (Ctrl-C, SIGTERM) and the command, which ignored that, had to be killed:
  // exit as a shell does for a command interrupted by that signal (130, 143), rather than
  // die of the SIGKILL gotrace sent.
  if (int sig = live::LiveSource::stop_signal(); sig != 0 && source.killed_command() && status >= 0 &&
                                                 WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
    return (128 + sig) << 8;
  return status;
}

int run_replay(const cli::Options& given) {
  cli::Options opt = given;
  opt.status_line = false;  // replay runs at disk speed: nothing to watch
  cli::Pipeline pipeline(opt);
  if (opt.from_strace) {
    record::StraceLogSource source(opt.replay_path);
    source.run(pipeline.consumer());
    // Not a strace log at all (a README, a .gtr, random bytes): an error, not "no problem".
    if (source.call_lines() == 0)
      throw RecordFormatError(opt.replay_path + ": no strace lines found (expected the output of strace -f -tt -T -o " +
                              "LOG COMMAND)");
    pipeline.finish();
    if (source.skipped_lines() > 0) {
      std::string lines;
      for (uint64_t n : source.first_skipped()) lines += (lines.empty() ? "" : ", ") + std::to_string(n);
      fmt::print(stderr, "gotrace: {}: skipped {} of {} lines it could not parse (lines {}{})\n",
                 opt.replay_path, source.skipped_lines(), source.lines(), lines,
                 source.skipped_lines() > source.first_skipped().size() ? ", ..." : "");
    }
  } else {
    record::ReplaySource source(opt.replay_path);
    source.run(pipeline.consumer());
    pipeline.finish();
    if (source.truncated())
      fmt::print(stderr, "gotrace: {}: the recording was cut short (gotrace killed or disk full); "
                 "replayed every whole record\n", opt.replay_path);
  }
  return pipeline.output_failed() ? 1 : -1;  // a replay's exit status is not the recorded command's
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
      std::printf("gotrace %s%s%s\n", GOTRACE_VERSION, *GOTRACE_COMMIT ? " (commit " : "",
                  *GOTRACE_COMMIT ? GOTRACE_COMMIT ")" : "");
      return 0;
    }
    if (opt.show_filter) return show_filter(opt);
    if (opt.replay) return run_replay(opt) < 0 ? 0 : 1;
    int status = run_live(opt);
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
