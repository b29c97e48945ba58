// The live wait loop: ptrace stops in, events out. See live_source.h.
//
// Rules kept here (ptrace(2), strace's strace.c):
// - every stop is answered by exactly one restart, with the stop's signal for a
//   signal-delivery-stop (never swallow SIGURG, SIGCHLD, SIGPIPE...);
// - group-stops (PTRACE_EVENT_STOP with a stop signal) restart with PTRACE_LISTEN so the
//   command really stays stopped;
// - the tracee is restarted before its event is handed to consumers, so slow output delays
//   gotrace, not the traced program, as little as possible.
#include "live_source.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <linux/sched.h>

#include "gotrace/error.h"
#include "gotrace/version.h"
#include "launcher.h"
#include "proc_facts.h"
#include "ptrace_ops.h"
#include "remote_task.h"
#include "seccomp_filter.h"

namespace gotrace::live {
namespace {

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_stop_requests = 0;

void on_alarm(int) {}  // only interrupts waitpid so the loop can look at the clock

int64_t clock_ns(clockid_t clk) {
  timespec ts{};
  clock_gettime(clk, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

bool is_stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\0', start);
    if (end == std::string::npos) end = s.size();
    out.emplace_back(s, start, end - start);
    start = end + 1;
  }
  return out;
}

struct Task {
  int tid = 0;
  int pid = 0;
  bool in_syscall = false;       // between a syscall's entry and exit stops
  bool hide_until_exec = false;  // the launched child before its execve: not the command yet
  bool attached = false;         // seized with -p (or a descendant): detached, never killed
  bool filtered = false;         // under the seccomp filter: stops only on traced syscalls
  bool entry_seen = true;
  uint64_t call = 0;
  SysNo sysno = SysNo::unknown;
  int32_t number = -1;
  Nanos entered{0};
  Args args;
};

}  // namespace

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
  Nanos last_tick{0};
  Nanos kill_deadline{-1};
  bool killed_all = false;
  int handled_requests = 0;
  EndReason end_reason = EndReason::AllExited;
  std::vector<int32_t> attached_pids;
  std::vector<Event> startup;  // attach-time events, emitted when run() starts
  std::vector<sock_filter> filter;
  bool filter_active = false;
  std::string filter_problem;

  explicit Impl(LiveOptions o) : opt(o) {}

  Nanos now() const { return Nanos(clock_ns(CLOCK_MONOTONIC) - t0_mono); }

  template <typename Body>
  void emit(Nanos ts, int pid, int tid, Body&& body) {
    ev.ts = ts;
    ev.pid = Pid{pid};
    ev.tid = Tid{tid};
    ev.body = std::forward<Body>(body);
    out->on_event(ev);
  }

  // Between a traced syscall's entry and exit, or without a filter: stop at the next
  // syscall. Otherwise run freely until the filter, a signal or an event stops it.
  static engine::Resume mode(const Task& t) {
    return t.filtered && !t.in_syscall ? engine::Resume::Cont : engine::Resume::Syscall;
  }
  void resume(const Task& t, int sig = 0) { engine::resume(t.tid, mode(t), sig); }

  Task& add_task(int tid, int pid) {
    Task& t = tasks[tid];
    t.tid = tid;
    t.pid = pid;
    return t;
  }

  void loop();
  void handle(int tid, int status);
  void on_gone(int tid, int status);
  void on_syscall_stop(Task& t);
  void on_syscall_entry(Task& t, int64_t nr, const uint64_t (&args)[6], bool entry_seen);
  void on_signal(Task& t, int sig);
  void on_new_task(Task& parent, int event);
  void on_exec(int tid);
  Task& adopt_unknown(int tid);
  void check_stop_requests(Nanos ts);
  void kill_launched(int sig);
  void end_trace(EndReason why);
  void detach_attached();
  void detach_one(int tid, std::vector<int>& more);
  int attach_process(int pid);
  [[noreturn]] void refuse_attach(int pid, int err);
};

LiveSource::LiveSource(LiveOptions opt) : impl_(std::make_unique<Impl>(opt)) {}

LiveSource::~LiveSource() {
  // Reached with tracees left only on an error path: do not leave them stopped or running
  // unsupervised. Launched tracees die with us anyway (PTRACE_O_EXITKILL).
  if (!impl_->tasks.empty()) {
    impl_->detach_attached();
    impl_->kill_launched(SIGKILL);
  }
}

void LiveSource::request_stop(int signo) {
  g_stop_signal = signo;
  g_stop_requests = g_stop_requests + 1;
}

int LiveSource::stop_signal() { return g_stop_signal; }
bool LiveSource::filtered() const { return impl_->filter_active; }
const std::string& LiveSource::filter_problem() const { return impl_->filter_problem; }

void LiveSource::launch(const std::vector<std::string>& argv) {
  GOTRACE_CHECK(!argv.empty());
  std::string path = engine::resolve_command(argv[0]);
  impl_->command = argv;
  if (!impl_->opt.traced.empty()) {
    impl_->filter = engine::build_seccomp_filter(impl_->opt.traced, impl_->filter_problem);
  }
  impl_->child = engine::launch_seized(path, argv, engine::kTraceOptions | PTRACE_O_EXITKILL,
                                       impl_->filter);
  Task& t = impl_->add_task(impl_->child.pid, impl_->child.pid);
  t.hide_until_exec = true;
  impl_->argv_of[t.pid] = argv;
}

std::vector<AttachedProcess> LiveSource::attach(const std::vector<int>& pids) {
  Impl& m = *impl_;
  if (m.t0_mono == 0) {
    m.t0_mono = clock_ns(CLOCK_MONOTONIC);
    m.t0_wall = clock_ns(CLOCK_REALTIME);
  }
  std::vector<AttachedProcess> result;
  for (int pid : pids) {
    if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
      throw SetupError("no such process: " + std::to_string(pid), ESRCH);
    if (pid == getpid()) throw SetupError("cannot trace gotrace itself (pid " + std::to_string(pid) + ")");
    result.push_back({pid, m.attach_process(pid)});
    m.attached_pids.push_back(pid);
  }
  return result;
}

int LiveSource::Impl::attach_process(int pid) {
  // The snapshot comes first, before any ptrace stop can disturb what it shows.
  Snapshot snap = engine::read_snapshot(pid, true, sockets);
  std::vector<std::string> argv = engine::read_nul_list("/proc/" + std::to_string(pid) + "/cmdline");
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  int seized = 0;
  for (bool found_new = true; found_new;) {  // threads born meanwhile: scan until stable
    found_new = false;
    for (int tid : engine::list_numeric_dir(task_dir)) {
      if (tasks.count(tid)) continue;
      if (!engine::seize(tid, engine::kTraceOptions)) {
        if (errno == ESRCH) continue;  // the thread exited meanwhile: not an error
        if (seized == 0) refuse_attach(pid, errno);
        continue;
      }
      engine::interrupt(tid);
      Task& t = add_task(tid, pid);
      t.attached = true;
      ++seized;
      found_new = true;
    }
  }
  if (seized == 0) return 0;  // exited during attach
  argv_of[pid] = argv;
  Nanos ts = now();
  startup.push_back(Event{ts, Pid{pid}, Tid{pid}, ProcessStart{Pid{0}, argv}});
  for (const auto& [tid, t] : tasks)
    if (t.pid == pid && tid != pid) startup.push_back(Event{ts, Pid{pid}, Tid{tid}, ThreadStart{Tid{0}}});
  startup.push_back(Event{ts, Pid{pid}, Tid{pid}, std::move(snap)});
  return seized;
}

void LiveSource::Impl::refuse_attach(int pid, int err) {
  std::string why = std::strerror(err);
  if (err == EPERM) {
    int tracer = engine::read_tracer(pid);
    int uid = engine::read_uid(pid);
    if (tracer > 0) {
      std::ifstream comm("/proc/" + std::to_string(tracer) + "/comm");
      std::string name;
      std::getline(comm, name);
      why = "it is already traced by process " + std::to_string(tracer) +
            (name.empty() ? "" : " (" + name + ")");
    } else if (uid != static_cast<int>(getuid()) && geteuid() != 0) {
      why = "it belongs to another user (uid " + std::to_string(uid) + "); run as that user or root";
    } else {
      std::ifstream scope_file("/proc/sys/kernel/yama/ptrace_scope");
      int scope = -1;
      if (scope_file >> scope && scope > 0)
        why = "kernel.yama.ptrace_scope = " + std::to_string(scope) +
              " forbids it (needs CAP_SYS_PTRACE, or sysctl kernel.yama.ptrace_scope=0)";
      else
        why = "operation not permitted (ptrace refused)";
    }
  }
  throw SetupError("cannot attach to process " + std::to_string(pid) + ": " + why, err);
}

void LiveSource::run(EventConsumer& out) {
  Impl& m = *impl_;
  m.out = &out;
  if (m.t0_mono == 0) {
    m.t0_mono = clock_ns(CLOCK_MONOTONIC);
    m.t0_wall = clock_ns(CLOCK_REALTIME);
  }
  m.emit(Nanos{0}, 0, 0,
         TraceStart{m.t0_wall, kHostArch, GOTRACE_VERSION, m.command, m.attached_pids,
                    !m.filter.empty()});
  for (Event& e : m.startup) out.on_event(e);
  m.startup.clear();
  if (m.child.pid > 0) {
    m.emit(m.now(), m.child.pid, m.child.pid, ProcessStart{Pid{0}, m.command});
  }

  struct sigaction sa {};
  sa.sa_handler = on_alarm;  // no SA_RESTART: the alarm must interrupt waitpid
  struct sigaction old_sa {};
  sigaction(SIGALRM, &sa, &old_sa);
  itimerval every{{0, 200'000}, {0, 200'000}};
  itimerval old_timer{};
  setitimer(ITIMER_REAL, &every, &old_timer);

  try {
    m.loop();
  } catch (...) {
    setitimer(ITIMER_REAL, &old_timer, nullptr);
    sigaction(SIGALRM, &old_sa, nullptr);
    throw;
  }
  setitimer(ITIMER_REAL, &old_timer, nullptr);
  sigaction(SIGALRM, &old_sa, nullptr);
  m.emit(m.now(), 0, 0, TraceEnd{m.end_reason, m.main_status});
}

void LiveSource::Impl::loop() {
  bool released = false;
  while (!tasks.empty()) {
    int status = 0;
    int tid = waitpid(-1, &status, __WALL);
    Nanos ts = now();
    if (tid < 0) {
      if (errno == EINTR) {
        check_stop_requests(ts);
        if (ts - last_tick >= opt.tick) {
          last_tick = ts;
          emit(ts, 0, 0, Tick{});
        }
        continue;
      }
      if (errno == ECHILD) break;
      throw SetupError(std::string("waitpid: ") + std::strerror(errno), errno);
    }
    handle(tid, status);
    if (!released && child.pid > 0) {
      // The child has been restarted from its first (interrupt) stop: let it exec.
      engine::release(child);
      released = true;
    }
    check_stop_requests(ts);
    if (ts - last_tick >= opt.tick) {
      last_tick = ts;
      emit(ts, 0, 0, Tick{});
    }
  }
}

void LiveSource::Impl::check_stop_requests(Nanos ts) {
  int requests = g_stop_requests;
  if (opt.duration.count() > 0 && ts >= opt.duration && end_reason == EndReason::AllExited) {
    end_trace(EndReason::Duration);
    return;
  }
  if (requests != handled_requests) {
    handled_requests = requests;
    if (requests == 1) {
      end_trace(EndReason::Interrupted);
    } else {
      kill_launched(SIGKILL);
    }
  }
  if (kill_deadline.count() >= 0 && ts >= kill_deadline && !killed_all) kill_launched(SIGKILL);
}

// Ends the trace: attached processes are detached and go on; the launched command is sent
// the signal gotrace got (SIGTERM for --duration) and SIGKILL after the grace period.
void LiveSource::Impl::end_trace(EndReason why) {
  end_reason = why;
  detach_attached();
  bool launched_alive = std::any_of(tasks.begin(), tasks.end(),
                                    [](const auto& kv) { return !kv.second.attached; });
  if (child.pid > 0 && launched_alive) {
    // As strace does for its own child: wake it if stopped, then pass the signal on.
    kill(child.pid, SIGCONT);
    kill(child.pid, why == EndReason::Duration ? SIGTERM : g_stop_signal);
    kill_deadline = now() + opt.kill_grace;
  } else if (why == EndReason::Interrupted && !attached_pids.empty()) {
    end_reason = EndReason::Detached;
  }
}

void LiveSource::Impl::detach_attached() {
  std::vector<int> todo;
  for (const auto& [tid, t] : tasks)
    if (t.attached) todo.push_back(tid);
  // strace's detach(): interrupt a running tracee, wait for its stop, then PTRACE_DETACH,
  // re-injecting a signal it stopped with (never a group-stop's, which stays in effect).
  for (int tid : todo) engine::interrupt(tid);
  while (!todo.empty()) {
    int tid = todo.back();
    todo.pop_back();
    detach_one(tid, todo);
  }
}

void LiveSource::Impl::detach_one(int tid, std::vector<int>& more) {
  auto it = tasks.find(tid);
  int pid = it != tasks.end() ? it->second.pid : tid;
  for (;;) {
    int status = 0;
    int r = waitpid(tid, &status, __WALL);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;  // not ours any more
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      tasks.erase(tid);
      emit(now(), pid, tid, ThreadExit{status});
      return;
    }
    int sig = WSTOPSIG(status);
    unsigned event = static_cast<unsigned>(status) >> 16;
    int inject = 0;
    if (event == 0 && sig != (SIGTRAP | 0x80)) inject = sig;  // signal-delivery-stop
    if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
      unsigned long msg = 0;
      if (engine::event_message(tid, msg) && msg > 0) {
        int child_tid = static_cast<int>(msg);
        int child_pid = engine::read_tgid(child_tid);
        add_task(child_tid, child_pid > 0 ? child_pid : child_tid).attached = true;
        more.push_back(child_tid);  // auto-attached: detach it too
      }
    }
    engine::detach(tid, inject);
    break;
  }
  tasks.erase(tid);
}

void LiveSource::Impl::kill_launched(int sig) {
  killed_all = sig == SIGKILL;
  for (auto& [tid, t] : tasks)
    if (t.pid == tid && !t.attached) kill(tid, sig);
  if (child.pid > 0) kill(child.pid, sig);
}

void LiveSource::Impl::handle(int tid, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    on_gone(tid, status);
    return;
  }
  if (!WIFSTOPPED(status)) return;
  auto it = tasks.find(tid);
  Task& t = it != tasks.end() ? it->second : adopt_unknown(tid);
  int sig = WSTOPSIG(status);
  unsigned event = static_cast<unsigned>(status) >> 16;

  if (sig == (SIGTRAP | 0x80)) {
    on_syscall_stop(t);
    return;
  }
  switch (event) {
    case 0:
      on_signal(t, sig);
      return;
    case PTRACE_EVENT_STOP:
      if (is_stop_signal(sig)) {
        // ptrace(2) "Group-stop": PTRACE_LISTEN keeps it stopped yet reports what follows.
        engine::resume(tid, engine::Resume::Listen);
        if (!t.hide_until_exec)
          emit(now(), t.pid, tid, Signal{sig, SignalStop::GroupStop, 0, 0, 0, 0, 0});
      } else {
        resume(t);  // interrupt stop or a new task's first stop
      }
      return;
    case PTRACE_EVENT_CLONE:
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
      on_new_task(t, static_cast<int>(event));
      return;
    case PTRACE_EVENT_EXEC:
      on_exec(tid);
      return;
    case PTRACE_EVENT_SECCOMP:
      on_syscall_stop(t);
      return;
    default:  // PTRACE_EVENT_EXIT and anything else: nothing to report yet
      resume(t);
  }
}

Task& LiveSource::Impl::adopt_unknown(int tid) {
  // A new task's first stop arrived before its parent's clone/fork event.
  int pid = engine::read_tgid(tid);
  if (pid <= 0) pid = tid;
  int ppid = pid == tid ? engine::read_ppid(tid) : pid;
  auto relative = std::find_if(tasks.begin(), tasks.end(),
                               [&](const auto& kv) { return kv.second.pid == ppid; });
  bool attached = relative != tasks.end() && relative->second.attached;
  bool filtered = relative != tasks.end() && relative->second.filtered;
  Task& t = add_task(tid, pid);
  t.attached = attached;
  t.filtered = filtered;
  if (pid == tid) {
    auto parent_argv = argv_of.find(ppid);
    std::vector<std::string> argv =
        parent_argv != argv_of.end() ? parent_argv->second : std::vector<std::string>{};
    argv_of[pid] = argv;
    emit(now(), pid, tid, ProcessStart{Pid{ppid}, std::move(argv)});
  } else {
    emit(now(), pid, tid, ThreadStart{Tid{0}});
  }
  return t;
}

void LiveSource::Impl::on_gone(int tid, int status) {
  auto it = tasks.find(tid);
  if (it == tasks.end()) return;
  int pid = it->second.pid;
  if (tid == child.pid) {
    main_status = status;
    if (!child_execed) {
      int err = engine::exec_error(child);
      tasks.erase(it);
      if (err != 0)
        throw SetupError("cannot execute '" + child.path + "': " + std::strerror(err), err);
      return;
    }
  }
  Nanos ts = now();
  tasks.erase(it);
  if (pid == tid) argv_of.erase(pid);
  emit(ts, pid, tid, ThreadExit{status});
}

void LiveSource::Impl::on_syscall_stop(Task& t) {
  engine::SyscallStopInfo si;
  if (!engine::syscall_stop_info(t.tid, si)) return;  // vanished (ESRCH): its exit follows
  using Op = engine::SyscallStopInfo::Op;
  if (si.op == Op::Seccomp && t.in_syscall) {
    // The filter's stop for a call whose syscall-entry stop we already had (the launched
    // child's execve, stopped with PTRACE_SYSCALL while it installed the filter).
    engine::resume(t.tid, engine::Resume::Syscall);
    return;
  }
  if (si.op == Op::Entry || si.op == Op::Seccomp) {
    if (t.hide_until_exec) {
      if (si.nr != syscall_number(kHostArch, SysNo::execve) &&
          si.nr != syscall_number(kHostArch, SysNo::execveat)) {
        resume(t);
        return;
      }
      t.hide_until_exec = false;
      if (!filter.empty()) {  // the child installed its filter (or failed to) just before
        int err = engine::filter_result(child);
        filter_active = err == 0;
        if (err != 0) filter_problem = std::string("seccomp filter not installed: ") + std::strerror(err);
        t.filtered = filter_active;
      }
    }
    on_syscall_entry(t, si.nr, si.args, true);
    return;
  }
  if (si.op != Op::Exit || t.hide_until_exec) {
    resume(t);
    return;
  }
  Nanos ts = now();
  if (!t.in_syscall) {
    // An exit whose entry we did not see (the call was in progress when we attached).
    int64_t nr = -1;
    uint64_t args[6] = {};
    engine::current_syscall_regs(t.tid, nr, args);
    t.call = next_call++;
    t.sysno = sysno_from_number(kHostArch, nr);
    t.number = static_cast<int32_t>(nr);
    t.entered = ts;
    t.entry_seen = false;
    for (int i = 0; i < kMaxArgs; ++i) t.args[static_cast<std::size_t>(i)].reset(args[i]);
  }
  const SyscallInfo& info = syscall_info(t.sysno);
  remote.bind(t.tid, t.pid);
  decode::capture_exit(info, si.rval, t.args, remote, opt.capture);
  auto& body = std::get<SyscallExit>(exit_ev.body);
  body.ret_fd_target.clear();
  if (info.has(kReturnsFd) && si.rval >= 0 && opt.capture.fd_detail > 0)
    remote.fd_target(static_cast<int>(si.rval), opt.capture.fd_detail, body.ret_fd_target);
  if (info.has(kNet)) sockets.invalidate();
  t.in_syscall = false;
  resume(t);

  body.call = t.call;
  body.sysno = t.sysno;
  body.number = t.number;
  body.ret = si.rval;
  body.entered = t.entered;
  body.entry_seen = t.entry_seen;
  std::swap(body.args, t.args);  // hand over the captured bytes without copying
  exit_ev.ts = ts;
  exit_ev.pid = Pid{t.pid};
  exit_ev.tid = Tid{t.tid};
  out->on_event(exit_ev);
}

void LiveSource::Impl::on_syscall_entry(Task& t, int64_t nr, const uint64_t (&args)[6],
                                        bool entry_seen) {
  Nanos ts = now();
  t.in_syscall = true;
  t.entry_seen = entry_seen;
  t.call = next_call++;
  t.sysno = sysno_from_number(kHostArch, nr);
  t.number = static_cast<int32_t>(nr);
  t.entered = ts;
  for (std::size_t i = 0; i < kMaxArgs; ++i) t.args[i].reset(args[i]);
  remote.bind(t.tid, t.pid);
  decode::capture_entry(syscall_info(t.sysno), t.args, remote, opt.capture);
  resume(t);  // in_syscall: stops at the exit

  auto& body = std::get<SyscallEnter>(enter_ev.body);
  body.call = t.call;
  body.sysno = t.sysno;
  body.number = t.number;
  body.args = t.args;  // copy-assign: reuses the strings' capacity
  enter_ev.ts = ts;
  enter_ev.pid = Pid{t.pid};
  enter_ev.tid = Tid{t.tid};
  out->on_event(enter_ev);
}

void LiveSource::Impl::on_signal(Task& t, int sig) {
  siginfo_t si{};
  bool have = engine::siginfo(t.tid, si);
  resume(t, sig);  // deliver it: never swallow a signal
  if (t.hide_until_exec) return;
  Signal s{sig, SignalStop::Delivery, 0, 0, 0, 0, 0};
  if (have) {
    s.code = si.si_code;
    if (si.si_code <= 0 || sig == SIGCHLD) {
      s.sender_pid = si.si_pid;
      s.sender_uid = static_cast<int32_t>(si.si_uid);
    }
    if (sig == SIGCHLD) s.status = si.si_status;
    if (si.si_code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE))
      s.addr = reinterpret_cast<uint64_t>(si.si_addr);
  }
  emit(now(), t.pid, t.tid, s);
}

void LiveSource::Impl::on_new_task(Task& parent, int event) {
  unsigned long msg = 0;
  engine::event_message(parent.tid, msg);
  int child_tid = static_cast<int>(msg);
  bool thread = false;
  if (event == PTRACE_EVENT_CLONE) {
    if (parent.sysno == SysNo::clone) {
      thread = (parent.args[0].raw & CLONE_THREAD) != 0;
    } else if (parent.sysno == SysNo::clone3 && parent.args[0].data.size() >= 8) {
      uint64_t flags = 0;
      std::memcpy(&flags, parent.args[0].data.data(), 8);
      thread = (flags & CLONE_THREAD) != 0;
    } else {
      thread = engine::read_tgid(child_tid) == parent.pid;
    }
  }
  Nanos ts = now();
  int parent_tid = parent.tid;
  int parent_pid = parent.pid;
  bool attached = parent.attached;
  bool filtered = parent.filtered;  // the filter is inherited by every child and thread
  resume(parent);
  if (child_tid <= 0 || tasks.count(child_tid)) return;  // already adopted from its own stop
  int child_pid = thread ? parent_pid : child_tid;
  Task& added = add_task(child_tid, child_pid);  // may rehash: `parent` is dead now
  added.attached = attached;
  added.filtered = filtered;
  if (thread) {
    emit(ts, child_pid, child_tid, ThreadStart{Tid{parent_tid}});
  } else {
    std::vector<std::string> argv = argv_of[parent_pid];
    argv_of[child_pid] = argv;
    emit(ts, child_pid, child_tid, ProcessStart{Pid{parent_pid}, std::move(argv)});
  }
}

void LiveSource::Impl::on_exec(int tid) {
  unsigned long msg = 0;
  engine::event_message(tid, msg);
  int former = static_cast<int>(msg);
  Nanos ts = now();
  if (former > 0 && former != tid) {
    // ptrace(2) "execve(2) under ptrace": a non-leader thread exec'd and took the leader's
    // tid; the old leader vanished without an exit report of its own.
    auto f = tasks.find(former);
    auto old_leader = tasks.find(tid);
    if (old_leader != tasks.end() && f != tasks.end()) {
      int pid = old_leader->second.pid;
      tasks.erase(old_leader);
      emit(ts, pid, tid, ThreadExit{0});
    }
    f = tasks.find(former);
    if (f != tasks.end()) {
      Task moved = std::move(f->second);
      tasks.erase(f);
      moved.tid = tid;
      tasks[tid] = std::move(moved);
    }
  }
  auto it = tasks.find(tid);
  if (it == tasks.end()) {
    engine::resume(tid, engine::Resume::Syscall);
    return;
  }
  Task& t = it->second;
  Exec e;
  e.former_tid = Tid{former > 0 ? former : tid};
  std::size_t path_arg = t.sysno == SysNo::execveat ? 1 : 0;
  if (t.in_syscall && (t.sysno == SysNo::execve || t.sysno == SysNo::execveat)) {
    e.filename = t.args[path_arg].data;
    e.argv = split_nul(t.args[path_arg + 1].data);
  }
  std::string base = "/proc/" + std::to_string(tid) + "/";
  if (e.filename.empty()) {
    char buf[4096];
    ssize_t n = readlink((base + "exe").c_str(), buf, sizeof buf);
    if (n > 0) e.filename.assign(buf, static_cast<std::size_t>(n));
  }
  if (e.argv.empty()) e.argv = engine::read_nul_list(base + "cmdline");
  bool first_exec = tid == child.pid && !child_execed;
  if (tid == child.pid) child_execed = true;
  argv_of[t.pid] = e.argv;
  int pid = t.pid;
  // The launched command's limits, fds and environment, read while it is stopped at its
  // exec: after the kernel closed the close-on-exec fds (gotrace's own launch pipes).
  Snapshot snap;
  if (first_exec) snap = engine::read_snapshot(pid, false, sockets);
  resume(t);
  emit(ts, pid, tid, std::move(e));
  if (first_exec) emit(ts, pid, tid, std::move(snap));
}

}  // namespace gotrace::live
