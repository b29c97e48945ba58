// LiveSource: the only code that drives tracees. Launches the command under ptrace, runs
// the wait loop, captures each stop's details while the tracee is stopped, restarts it, and
// only then hands the event to the consumers. Consumers never see a tracee, only values.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gotrace/consumer.h"
#include "gotrace/decode.h"
#include "gotrace/syscall_filter.h"
#include "launcher.h"
#include "syscall_tamper.h"
#include "trace_mode.h"

namespace gotrace::live {

struct LiveOptions {
  decode::CaptureOptions capture;
  Nanos tick{std::chrono::seconds(1)};       // Tick event period (stall detection)
  Nanos kill_grace{std::chrono::seconds(3)};  // after interrupting the command, then SIGKILL
  Nanos duration{0};  // --duration: end the trace (detach / stop the command) after this
  // The launched command dies with gotrace (PTRACE_O_EXITKILL). Always so with the seccomp
  // filter: its SECCOMP_RET_TRACE calls fail with ENOSYS once no tracer is there.
  bool kill_on_exit = false;
  // How the launched command is traced, and the seccomp filter's set (indexed by SysNo;
  // empty in Full mode): plan_trace (trace_mode.h) chooses both. Attached processes are
  // always fully traced.
  TraceMode mode = TraceMode::Full;
  std::vector<bool> traced;
  // --inject: tamper with matching syscalls (strace's -e inject=). The caller adds their
  // syscalls to `traced`.
  std::vector<engine::TamperRule> inject;
  // --rlimit: limits the launched command starts with (not applied to attached processes).
  std::vector<engine::ChildRlimit> rlimits;
  // -k: a Stack event after the entry of every call `stack_filter` selects. Without it,
  // stacks are taken only for the calls behind findings (EMFILE/ENFILE at exit, a getrandom
  // that may block and connect at entry), so the default path stays cheap.
  bool stacks = false;
  SyscallFilter stack_filter;
  std::vector<ArgCondition> traced_only_when;  // traced rows that stop only for these values
  // Called at the entry of a write to fd 1 or 2, before the call runs (the status line is
  // erased before the command's own output reaches the terminal).
  std::function<void()> before_terminal_write;
};

struct AttachedProcess {
  int pid;
  int threads;
};

class LiveSource final : public EventSource {
 public:
  explicit LiveSource(LiveOptions opt);
  ~LiveSource() override;
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  // Starts `argv` (argv[0] resolved in PATH) seized and held before exec.
  // Throws UsageError (not found) or SetupError (not executable, ptrace refused).
  void launch(const std::vector<std::string>& argv);

  // Reads each process's snapshot (threads' current syscalls, fds, limits, Go environment)
  // without stopping it, then seizes every thread, rescanning /proc/PID/task until no new
  // thread appears. A process that exits meanwhile is skipped (threads == 0). Throws
  // SetupError for a missing process or a refused attach, saying why (already traced by
  // whom, another user's process, yama ptrace_scope).
  std::vector<AttachedProcess> attach(const std::vector<int>& pids);

  // Runs until every tracee is gone. Throws SetupError if the command could not be exec'd.
  void run(EventConsumer& out) override;

  // After run(): whether the seccomp filter was installed; if not, why (empty when none
  // was asked for).
  bool filtered() const;
  const std::string& filter_problem() const;
  // After run(): what the trace did that the user should know (one line each).
  const std::vector<std::string>& notes() const;
  // After run(): gotrace ended the launched command with SIGKILL (it outlived the signal
  // passed on at the user's request).
  bool killed_command() const;

  // Async-signal-safe: SIGINT/SIGTERM/SIGHUP/SIGQUIT to gotrace, from `sender` (si_pid of
  // a kill(2), 0 when the kernel sent it). Attached processes are detached and go on as
  // before; the launched command gets the same signal (SIGKILL after kill_grace, or at once
  // on the second request). A signal a traced process sent (`kill -TERM 0` from the
  // command, to its whole process group) is the command's business: ignored.
  static void request_stop(int signo, int sender);
  // The signal that requested the stop, 0 if none did.
  static int stop_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gotrace::live
