// LiveSource's state, shared by the wait loop (live_source.cpp) and attach/detach/ending
// the trace (live_attach.cpp). Private to tracer/live.
#pragma once

#include <sched.h>
#include <signal.h>
#include <time.h>

#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cpu_follow.h"
#include "injector.h"
#include "light_policy.h"
#include "launcher.h"
#include "live_source.h"
#include "proc_net.h"
#include "ptrace_ops.h"
#include "quiet_fds.h"
#include "remote_task.h"
#include "stack_capture.h"

namespace gotrace::live {

// Written by request_stop() (a signal handler): each request's signal and sender (0: the
// kernel, a terminal's Ctrl-C), the last kStopRing of them, and how many so far. The loop
// reads them (check_stop_requests) and sets g_stop_signal to the one it acted on.
struct StopRequest {
  volatile sig_atomic_t signo = 0;
  volatile sig_atomic_t sender = 0;
};
constexpr int kStopRing = 16;
extern StopRequest g_stop_ring[kStopRing];
extern volatile sig_atomic_t g_stop_requests;
extern volatile sig_atomic_t g_stop_signal;

// The call's argument registers; those past the table's argument count hold whatever the
// caller left there, which nothing reads: zero them, so the recording omits them (a
// getppid record shrinks from ~50 to ~20 bytes) and live and replay see the same values.
// SysNo::unknown's row has six arguments: all are kept.
inline void take_args(const SyscallInfo& info, const uint64_t (&regs)[6], Args& args) {
  for (std::size_t i = 0; i < kMaxArgs; ++i) args[i].reset(i < info.nargs ? regs[i] : 0);
}

inline int64_t clock_ns(clockid_t clk) {
  timespec ts{};
  clock_gettime(clk, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}


// The clone flags of the call that made a new task, from the parent's call in flight at the
// fork/clone event: clone's first argument, clone3's clone_args.flags, vfork's and fork's
// implied ones; nullopt when unknown (a call whose entry was not seen).
inline std::optional<uint64_t> clone_flags(SysNo call, const Args& args, int event) {
  if (call == SysNo::clone) return args[0].raw;
  if (call == SysNo::clone3 && args[0].data.size() >= 8) {
    uint64_t flags = 0;
    std::memcpy(&flags, args[0].data.data(), 8);
    return flags;
  }
  if (call == SysNo::vfork || event == PTRACE_EVENT_VFORK) return CLONE_VM | CLONE_VFORK;
  if (call == SysNo::fork) return 0;
  return std::nullopt;
}

struct Task {
  int tid = 0;
  int pid = 0;
  bool in_syscall = false;       // between a syscall's entry and exit stops
  bool hide_until_exec = false;  // the launched child before its execve: not the command yet
  bool attached = false;         // seized with -p (or a descendant): detached, never killed
  bool handover = false;         // a daemon under the filter, stopping to go to a keeper (keeper.h)
  bool filtered = false;         // under the seccomp filter: stops only on traced syscalls
  bool compat = false;           // the current call is a 32-bit one (compat_syscalls.h)
  bool every_call = false;       // light mode: stops at every syscall for now (light_policy.h)
  bool entry_seen = true;
  uint64_t call = 0;
  SysNo sysno = SysNo::unknown;
  int32_t number = -1;
  Nanos entered{0};
  Args args;
  uint64_t arg(int i) const { return syscall_info(sysno).value(args, i); }  // as the kernel reads it
  bool stack_taken = false;  // a Stack event was emitted for the current call
  Nanos last_stop{0};       // its last ptrace stop: a thread quiet since is read from /proc
  Nanos reported{-1};       // when a ThreadStates event last listed it
  ThreadState last_state;   // what that event said
};

struct LiveSource::Impl {
  LiveOptions opt;
  std::unordered_map<int, Task> tasks;
  std::unordered_map<int, std::vector<std::string>> argv_of;  // pid -> argv
  engine::SocketTable sockets;
  engine::RemoteTask remote{sockets};
  engine::LaunchedChild child;
  std::vector<std::string> command;
  bool child_execed = false;
  int main_status = -1;
  EventConsumer* out = nullptr;
  int64_t t0_mono = 0;
  int64_t t0_wall = 0;
  uint64_t next_call = 1;
  Event enter_ev{.body = SyscallEnter{}};
  Event exit_ev{.body = SyscallExit{}};
  Event ev;
  Event stack_ev{.body = Stack{}};
  stack::StackCapture stacks;
  Nanos last_tick{0};
  Nanos stop_ts{0};  // when waitpid returned the stop being handled
  Nanos kill_deadline{-1};
  bool killed_all = false;
  bool detached_launched = false;  // the trace ended leaving launched processes running
  int handled_requests = 0;  // stop requests read so far
  int user_requests = 0;     // ... of which not sent by a traced process
  std::unordered_set<int> traced_pids;  // every process traced so far (senders to ignore)
  std::pair<int, Nanos> own_signal{0, Nanos{0}};  // the last signal the command sent gotrace, when
  static constexpr Nanos kRelayWindow = std::chrono::seconds(1);
  EndReason end_reason = EndReason::AllExited;
  std::vector<int32_t> attached_pids;
  std::vector<Event> startup;  // attach-time events, emitted when run() starts
  std::vector<sock_filter> filter;
  bool filter_active = false;
  std::string filter_problem;
  Injector injector{opt.inject};  // --inject: counters, pending results, held threads
  Nanos wakeup_for{-1};           // the hold deadline the next SIGALRM is set for
  QuietFds quiet;  // fast path: fds whose reads/writes need no stop (live_quiet.cpp)
  LightPolicy light;  // light mode: which processes stop at every call (live_light.cpp)
  bool stops_close = false;  // the last wait was short: poll for the next stop (wait_for_stop)
  CpuFollower follower{opt.mode != TraceMode::Light};  // ... and keep to the stopping threads' CPU (cpu_follow.h)
  struct ProcessCounters {
    uint64_t io_bytes = 0;  // rchar + wchar at the last tick
    int64_t cpu_ns = 0;     // utime + stime at the last tick
    uint64_t disk_read = 0, disk_written = 0;  // read_bytes, write_bytes at the last tick
    bool go = false;        // a Go binary: its netpoller retries an interrupted epoll wait
    bool connected = false; // connected a socket (light mode): snapshotted as it exits
  };
  std::unordered_map<int, ProcessCounters> counters;  // by pid, for Tick.io_bytes and light mode
  // Reads `pid`'s counters now and adds what changed since the last read to `moved` and
  // `usage`. False when they are unreadable (the process is gone).
  bool read_counters(int pid, ProcessCounters& c, uint64_t& moved, Usage& usage);
  Usage usage_since_tick;  // of processes that ended since the last Tick (read at their exit)
  void final_counters(const Task& t);  // at a process's PTRACE_EVENT_EXIT stop

  explicit Impl(LiveOptions o) : opt(o) {}

  Nanos now() const { return Nanos(clock_ns(CLOCK_MONOTONIC) - t0_mono); }

  template <typename Body>
  void emit(Nanos ts, int pid, int tid, Body&& body) {
    if (!out) return;  // after run(), on the destructor's clean-up path
    ev.ts = ts;
    ev.pid = Pid{pid};
    ev.tid = Tid{tid};
    ev.body = std::forward<Body>(body);
    out->on_event(ev);
  }

  // Between a traced syscall's entry and exit, or without a filter: stop at the next
  // syscall. Otherwise run freely until the filter, a signal or an event stops it.
  static engine::Resume mode(const Task& t) {
    return t.filtered && !t.every_call && !t.in_syscall ? engine::Resume::Cont : engine::Resume::Syscall;
  }
  void resume(const Task& t, int sig = 0) {
    follower.before_resume();
    engine::resume(t.tid, mode(t), sig);
    follower.after_resume();
    answered(t.tid);
  }
  // Every restart or detach of a stopped thread other than resume(): how, and that it was.
  void restart(int tid, engine::Resume how, int sig = 0) {
    engine::resume(tid, how, sig);
    answered(tid);
  }
  void release(int tid, int sig) {  // PTRACE_DETACH
    engine::detach(tid, sig);
    answered(tid);
  }
  // The never-strand rule, checked: the stop handle() is answering was answered (restarted,
  // detached, held by --inject, or the thread is gone) before handle() returns.
  void answered(int tid) {
    if (tid == unanswered) unanswered = -1;
  }
  int unanswered = -1;          // the thread whose stop handle() is answering
  int late_answers = 0;         // stops the check found unanswered and answered itself
  bool strict = false;          // GOTRACE_STRICT=1 (the test suite): an unanswered stop is an internal error
  void check_answered(int tid);

  bool light_mode() const { return opt.mode == TraceMode::Light; }
  bool quiet_files() const { return opt.mode == TraceMode::Diagnosis; }

  Task& add_task(int tid, int pid) {
    traced_pids.insert(pid);
    Task& t = tasks[tid];
    t.tid = tid;
    t.pid = pid;
    return t;
  }

  void loop();
  int wait_for_stop(int& status);
  void on_tick(Nanos ts);
  void report_quiet_threads(Nanos ts);
  void handle(int tid, int status);
  void handle_stop(int tid, int status);
  void on_gone(int tid, int status);
  void on_syscall_stop(Task& t);
  bool answered_seccomp_stop(Task& t, const engine::SyscallStopInfo& si);
  void on_entry_stop(Task& t, const engine::SyscallStopInfo& si);
  void on_exit_stop(Task& t, engine::SyscallStopInfo& si);
  void begin_unseen_call(Task& t, Nanos ts);
  void on_syscall_entry(Task& t, int64_t nr, const uint64_t (&args)[6], bool entry_seen);
  void on_signal(Task& t, int sig);
  bool wants_stack_at_entry(const Task& t) const;
  void take_stack(Task& t, Nanos ts);  // precondition: t is stopped
  void emit_stack() { out->on_event(stack_ev); }
  void on_new_task(Task& parent, int event);
  void on_exec(int tid);
  // live_quiet.cpp: the quiet-fd hooks.
  bool skip_quiet(const Task& t, const engine::SyscallStopInfo& si);
  void quiet_exit(const Task& t, int64_t ret);
  void quiet_clone(const Task& parent, std::optional<uint64_t> flags, int child_tid, bool thread);
  // live_light.cpp: light mode and the per-process counters behind Tick.io_bytes.
  uint64_t count_io(Nanos ts, Usage& usage);  // bytes moved since the last call; light mode's tick decision
  void light_exit(const Task& t, int64_t ret);
  void light_exec(int pid);
  void light_new_process(int parent_pid, int child_pid);
  void light_gone(int pid);
  void light_leader_exit(const Task& t);  // at its PTRACE_EVENT_EXIT stop
  void set_every_call(int pid, bool on, int stopped_tid);
  void on_pressure(int pid, bool was_pressed);
  void emit_snapshot(int pid, int tid);  // of `pid`'s fds, now
  bool in_lock_wait(const Task& t) const;      // live_threads.cpp
  bool lock_holders_wanted(int pid) const;     // live_threads.cpp
  void snapshot_lock_waits();            // live_threads.cpp
  std::set<int> lock_snapped;            // tids in a lock wait whose process was snapshotted
  // Disk errors (live_disk.cpp): the filesystem of the path a call failed on with ENOSPC,
  // EDQUOT or EROFS, once per process and error; and of the go command's directories when
  // the launched command exits non-zero (under the filter the failing call ran unseen).
  std::string disk_error_path(const Task& t, int64_t ret);
  void snapshot_filesystems(int pid, int tid, std::vector<std::string> paths);
  void on_command_exit(const Task& t);  // at the launched command's PTRACE_EVENT_EXIT stop
  std::set<std::pair<int, int64_t>> disk_errors_seen;
  Task& adopt_unknown(int tid);
  void check_stop_requests(Nanos ts);
  void kill_launched(int sig);
  void end_trace(EndReason why);
  void detach_attached();
  // Waits for `tid`'s stop (at most until give_up) and detaches it; `more`: auto-attached
  // children found meanwhile.
  void detach_one(int tid, std::vector<int>& more, Nanos give_up);
  // At the end of the trace: processes that left the command's session are left running.
  void leave_daemons();
  // A handover thread in its group-stop: detached; the process's last one starts its keeper.
  void hand_over(int tid);
  std::vector<std::string> notes;  // said on stderr after the trace (LiveSource::notes)
  std::unordered_set<int> compat_noted;  // processes whose 32-bit calls the notes mention
  void note_compat(const Task& t);
  // Threads that could not be stopped to detach (uninterruptible: a parent blocked in vfork
  // until its child execs or exits). Still seized: a stop that comes is answered with the
  // detach; at gotrace's exit the kernel detaches them (dropping the pending interrupt).
  std::unordered_set<int> late_detach;
  static constexpr Nanos kDetachWait = std::chrono::milliseconds(500);
  int attach_process(int pid);
  [[noreturn]] void refuse_attach(int pid, int err);
  // --inject hooks (live_inject.cpp).
  bool hold_at_entry(Task& t, Nanos ts);
  void hold_exit(int tid, Nanos until, bool with_stack);
  void emit_held(Injector::Hold& h);
  void service_holds(Nanos ts);
  void release_holds();
  void drop_hold(int tid);
  void release(std::vector<Injector::Hold> holds);
  void arm_wakeup(Nanos ts);
};

}  // namespace gotrace::live
