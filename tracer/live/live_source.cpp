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

#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <linux/sched.h>

#include "gotrace/error.h"
#include "gotrace/version.h"
#include "live_impl.h"
#include "proc_facts.h"
#include "compat_syscalls.h"
#include "seccomp_filter.h"

namespace gotrace::live {

volatile sig_atomic_t g_stop_signal = 0;
StopRequest g_stop_ring[kStopRing];
volatile sig_atomic_t g_stop_requests = 0;

namespace {

void on_alarm(int) {}  // only interrupts waitpid so the loop can look at the clock

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

}  // namespace

LiveSource::LiveSource(LiveOptions opt) : impl_(std::make_unique<Impl>(opt)) {
  const char* strict = std::getenv("GOTRACE_STRICT");
  impl_->strict = strict && std::strcmp(strict, "1") == 0;
}

LiveSource::~LiveSource() {
  // Reached with tracees left only on an error path: do not leave them stopped or running
  // unsupervised.
  if (!impl_->tasks.empty()) {
    impl_->out = nullptr;  // the consumers may be gone already: no more events
    impl_->detach_attached();
    impl_->kill_launched(SIGKILL);
  }
}

void LiveSource::request_stop(int signo, int sender) {
  // The handler blocks the other stop signals while it runs: no two writers at once.
  StopRequest& r = g_stop_ring[g_stop_requests % kStopRing];
  r.signo = signo;
  r.sender = sender;
  g_stop_requests = g_stop_requests + 1;
}

int LiveSource::stop_signal() { return g_stop_signal; }
bool LiveSource::filtered() const { return impl_->filter_active; }
const std::string& LiveSource::filter_problem() const { return impl_->filter_problem; }
const std::vector<std::string>& LiveSource::notes() const { return impl_->notes; }
bool LiveSource::killed_command() const { return impl_->killed_all; }

void LiveSource::launch(const std::vector<std::string>& argv) {
  GOTRACE_CHECK(!argv.empty());
  std::string path = engine::resolve_command(argv[0]);
  impl_->command = argv;
  if (!impl_->opt.traced.empty()) {
    impl_->filter = engine::build_seccomp_filter(impl_->opt.traced, impl_->filter_problem,
                                                 impl_->opt.traced_only_when);
  }
  // Without the filter the command can go on untraced if gotrace dies (SIGKILL, a crash),
  // as under strace. With it, it cannot: its filtered calls would fail with ENOSYS.
  bool exitkill = impl_->opt.kill_on_exit || !impl_->filter.empty();
  impl_->child = engine::launch_seized(path, argv, engine::kTraceOptions | (exitkill ? PTRACE_O_EXITKILL : 0),
                                       impl_->filter, impl_->opt.rlimits);
  Task& t = impl_->add_task(impl_->child.pid, impl_->child.pid);
  t.hide_until_exec = true;
  impl_->argv_of[t.pid] = argv;
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
                    !m.filter.empty(), !m.filter.empty() && (m.opt.mode == TraceMode::Diagnosis),
                    !m.filter.empty() && (m.opt.mode == TraceMode::Light)});
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
  if (m.late_answers > 0)
    m.notes.push_back(fmt::format("internal error: {} stops were left unanswered and restarted late (a bug of "
                                  "gotrace's: please report it)", m.late_answers));
  m.emit(m.now(), 0, 0, TraceEnd{m.end_reason, m.main_status, m.usage_since_tick});
}

// The next stop. When stops come close together (a syscall storm under --full, a thread
// stopping at every call), waitpid is polled for up to kSpin before gotrace sleeps in it:
// a tracer asleep makes every stop wake an idle CPU, which on a virtual machine costs a trip
// through the hypervisor (docs/performance.md, "Where the time of a stop goes").
// Each poll yields the CPU to any runnable task first (a parallel build's compilers).
// The follower (cpu_follow.h) keeps the tracer on the stopping threads' CPU meanwhile.
// A wait that found nothing in that time, or slept longer, turns polling off until a wait
// is short again: a command that stops rarely (light mode) costs no CPU for it.
int LiveSource::Impl::wait_for_stop(int& status) {
  constexpr Nanos kSpin{std::chrono::microseconds(200)};
  if (stops_close) {
    Nanos until = now() + kSpin;
    do {
      int tid = waitpid(-1, &status, __WALL | WNOHANG);
      if (tid > 0) follower.on_stop(tid, now(), true);
      if (tid != 0) return tid;
      follower.on_wait();
      sched_yield();  // a runnable tracee on this CPU (a parallel build) goes first
    } while (now() < until);
  }
  follower.on_wait();
  Nanos from = now();
  int tid = waitpid(-1, &status, __WALL);
  Nanos to = now();
  stops_close = tid > 0 && to - from < kSpin;
  if (tid > 0) follower.on_stop(tid, to, stops_close);
  return tid;
}

void LiveSource::Impl::loop() {
  bool released = false;
  while (!tasks.empty()) {
    int status = 0;
    int tid = wait_for_stop(status);
    Nanos ts = now();
    if (tid < 0) {
      if (errno == EINTR) {
        check_stop_requests(ts);
        service_holds(ts);
        if (ts - last_tick >= opt.tick) on_tick(ts);
        continue;
      }
      if (errno == ECHILD) break;
      throw SetupError(std::string("waitpid: ") + std::strerror(errno), errno);
    }
    stop_ts = ts;
    handle(tid, status);
    if (!released && child.pid > 0) {
      // The child has been restarted from its first (interrupt) stop: let it exec.
      engine::release(child);
      released = true;
    }
    check_stop_requests(ts);
    service_holds(ts);
    if (ts - last_tick >= opt.tick) on_tick(ts);
  }
}


void LiveSource::Impl::handle(int tid, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    if (late_detach.erase(tid)) return;  // detached already, as far as the trace goes
    if (injector.holding()) drop_hold(tid);
    on_gone(tid, status);
    return;
  }
  if (!WIFSTOPPED(status)) return;
  unanswered = tid;
  handle_stop(tid, status);
  check_answered(tid);
}

void LiveSource::Impl::check_answered(int tid) {
  if (unanswered != tid) return;
  unanswered = -1;
  if (injector.holding() && injector.held(tid)) return;  // --inject holds it on purpose
  auto it = tasks.find(tid);
  if (it == tasks.end()) return;  // detached, or gone
  // A path that forgot to restart the thread: a bug of gotrace's. The tests fail on it;
  // a user's program is restarted rather than left stopped.
  GOTRACE_CHECK(!strict);
  ++late_answers;
  resume(it->second);
}

void LiveSource::Impl::handle_stop(int tid, int status) {
  if (!late_detach.empty() && late_detach.count(tid)) {
    // Detached at the end but could not stop then: it stopped now. A signal it stopped
    // with goes back to it.
    bool signal_stop = (static_cast<unsigned>(status) >> 16) == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80);
    release(tid, signal_stop ? WSTOPSIG(status) : 0);
    late_detach.erase(tid);
    return;
  }
  if (injector.holding()) drop_hold(tid);
  auto it = tasks.find(tid);
  Task& t = it != tasks.end() ? it->second : adopt_unknown(tid);
  int sig = WSTOPSIG(status);
  unsigned event = static_cast<unsigned>(status) >> 16;
  // A syscall or ptrace event stop means the tracer knows what the thread does; a signal
  // (Go preempts a spinning thread with SIGURG every 10 ms) does not.
  if (sig == (SIGTRAP | 0x80) || (event != 0 && event != PTRACE_EVENT_STOP)) t.last_stop = stop_ts;

  if (sig == (SIGTRAP | 0x80)) {
    on_syscall_stop(t);
    return;
  }
  switch (event) {
    case 0:
      on_signal(t, sig);
      return;
    case PTRACE_EVENT_STOP:
      if (is_stop_signal(sig) && t.handover) {
        hand_over(tid);
      } else if (is_stop_signal(sig)) {
        // ptrace(2) "Group-stop": PTRACE_LISTEN keeps it stopped yet reports what follows.
        restart(tid, engine::Resume::Listen);
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
    case PTRACE_EVENT_EXIT:  // its ThreadExit follows; light mode may read its sockets first
      light_leader_exit(t);
      on_command_exit(t);
      final_counters(t);
      resume(t);
      return;
    default:
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
  if (pid == tid) light_new_process(ppid, pid);
  Task& t = add_task(tid, pid);
  t.attached = attached;
  t.filtered = filtered;
  t.every_call = light_mode() && light.every_call(pid);
  if (pid == tid) {
    quiet.on_new_process(pid);
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
  if (injector.active()) injector.forget(tid);
  if (tid == child.pid) {
    main_status = status;
    if (!child_execed) {
      std::string step;
      int err = engine::exec_error(child, &step);
      tasks.erase(it);
      if (err != 0 && !step.empty())
        throw SetupError("cannot " + step + " for '" + child.path + "': " + std::strerror(err), err);
      if (err != 0)
        throw SetupError("cannot execute '" + child.path + "': " + std::strerror(err), err);
      return;
    }
  }
  Nanos ts = now();
  tasks.erase(it);
  if (pid == tid) {
    argv_of.erase(pid);
    stacks.forget(pid);
    quiet.on_process_gone(pid);
    light_gone(pid);
  }
  emit(ts, pid, tid, ThreadExit{status});
}

void LiveSource::Impl::note_compat(const Task& t) {
  // Said once for the whole run (children forked before an exec are 32-bit too).
  if (compat_noted.insert(t.pid).second && compat_noted.size() == 1) {
    auto argv = argv_of.find(t.pid);
    std::string what = std::to_string(t.pid);
    if (argv != argv_of.end() && !argv->second.empty()) what += " (" + argv->second.front() + ")";
    notes.push_back("process " + what + " makes 32-bit (i386) system calls: they are named from the i386 "
                    "table, with their arguments as raw numbers (not decoded)");
  }
}

// Every syscall stop: entry, exit, or a seccomp filter's (an entry for us). The tracee is
// restarted on every path, before any consumer sees the event.
void LiveSource::Impl::on_syscall_stop(Task& t) {
  engine::SyscallStopInfo si;
  if (!engine::syscall_stop_info(t.tid, si)) {  // vanished (ESRCH): its exit follows
    answered(t.tid);
    return;
  }
  using Op = engine::SyscallStopInfo::Op;
  if (si.op == Op::Seccomp && answered_seccomp_stop(t, si)) return;
  if (si.op == Op::Entry || si.op == Op::Seccomp)
    on_entry_stop(t, si);
  else if (si.op == Op::Exit && !t.hide_until_exec)
    on_exit_stop(t, si);
  else
    resume(t);
}

// The seccomp stops that are not a traced call's entry: answered here (true), or false.
bool LiveSource::Impl::answered_seccomp_stop(Task& t, const engine::SyscallStopInfo& si) {
  if (si.ret_data != engine::kOwnTraceData && !t.hide_until_exec) {
    // The program's own filter returned SECCOMP_RET_TRACE. Untraced (and under strace, which
    // does not ask for seccomp stops) the call fails with ENOSYS, unrun: so it does here.
    // Seen at its entry stop already (--full, attached), or traced by our filter too: its
    // exit shows the ENOSYS; otherwise the program goes on as if we were not there.
    engine::skip_syscall(t.tid, -ENOSYS);
    if (!t.in_syscall) {
      SysNo s = si.compat ? engine::sysno_from_i386(si.nr) : sysno_from_number(kHostArch, si.nr);
      auto row = static_cast<std::size_t>(s);
      if (!t.filtered || (row < opt.traced.size() && opt.traced[row])) return false;  // traced: an entry
      resume(t);
      return true;
    }
  }
  if (!t.in_syscall) return false;
  // The filter's stop for a call whose syscall-entry stop we already had (the launched
  // child's execve, stopped with PTRACE_SYSCALL while it installed the filter; a foreign
  // filter's stop under --full).
  restart(t.tid, engine::Resume::Syscall);
  return true;
}

void LiveSource::Impl::on_entry_stop(Task& t, const engine::SyscallStopInfo& si) {
  if (t.hide_until_exec) {
    if (si.nr != syscall_number(kHostArch, SysNo::execve) && si.nr != syscall_number(kHostArch, SysNo::execveat)) {
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
  t.compat = si.compat;
  if (t.compat) note_compat(t);
  if (!t.compat && skip_quiet(t, si)) return;
  on_syscall_entry(t, si.nr, si.args, true);
}

// An exit whose entry we did not see (the call was in progress when we attached): the call
// is read from the registers, its start is now.
void LiveSource::Impl::begin_unseen_call(Task& t, Nanos ts) {
  int64_t nr = -1;
  uint64_t args[6] = {};
  engine::current_syscall_regs(t.tid, nr, args);
  t.call = next_call++;
  t.sysno = sysno_from_number(kHostArch, nr);
  t.number = static_cast<int32_t>(nr);
  t.entered = ts;
  t.entry_seen = false;
  t.stack_taken = false;
  take_args(syscall_info(t.sysno), args, t.args);
}

void LiveSource::Impl::on_exit_stop(Task& t, engine::SyscallStopInfo& si) {  // si.rval: --inject may replace it
  Nanos ts = now();
  // --inject: the injected result replaces the call's; delay_exit holds the thread here.
  Nanos hold_for = injector.active() && t.in_syscall ? injector.on_exit(t.tid, si.rval) : Nanos{0};
  if (!t.in_syscall) begin_unseen_call(t, ts);
  const SyscallInfo& info = syscall_info(t.sysno);
  remote.bind(t.tid, t.pid);
  if (!t.compat) decode::capture_exit(info, si.rval, t.args, remote, opt.capture);
  auto& body = std::get<SyscallExit>(exit_ev.body);
  body.ret_fd_target.clear();
  if (info.has(kReturnsFd) && si.rval >= 0 && opt.capture.fd_detail > 0)
    remote.fd_target(static_cast<int>(si.rval), opt.capture.fd_detail, body.ret_fd_target);
  if (info.has(kNet)) sockets.invalidate();
  quiet_exit(t, si.rval);
  if (light_mode() && filter_active) light_exit(t, si.rval);
  t.in_syscall = false;
  // The calls behind an fd-exhaustion finding: whose code ran out of fds.
  bool stack = !t.stack_taken && (si.rval == -EMFILE || si.rval == -ENFILE);
  if (stack) take_stack(t, ts);
  // A disk error: which file, read while the fd is still the one that failed.
  std::string disk_path = disk_error_path(t, si.rval);
  if (hold_for.count() <= 0) resume(t);  // --inject delay_exit: restarted when it is due

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
  if (hold_for.count() > 0) {
    hold_exit(t.tid, ts + hold_for, stack);  // emitted when restarted: the delay is in its duration
    return;
  }
  out->on_event(exit_ev);
  if (stack) emit_stack();
  if (!disk_path.empty()) snapshot_filesystems(raw(exit_ev.pid), raw(exit_ev.tid), {disk_path});
}

void LiveSource::Impl::on_syscall_entry(Task& t, int64_t nr, const uint64_t (&args)[6],
                                        bool entry_seen) {
  Nanos ts = now();
  t.in_syscall = true;
  t.entry_seen = entry_seen;
  t.call = next_call++;
  // A 32-bit call: named from the i386 table, its arguments left raw (compat_syscalls.h).
  t.sysno = t.compat ? engine::sysno_from_i386(nr) : sysno_from_number(kHostArch, nr);
  t.number = static_cast<int32_t>(nr);
  t.entered = ts;
  const SyscallInfo& info = syscall_info(t.sysno);
  take_args(info, args, t.args);
  remote.bind(t.tid, t.pid);
  if (!t.compat) decode::capture_entry(info, t.args, remote, opt.capture);
  t.stack_taken = false;
  bool stack = !t.compat && wants_stack_at_entry(t);
  if (stack) take_stack(t, ts);
  if (opt.before_terminal_write && (t.sysno == SysNo::write || t.sysno == SysNo::writev) &&
      (static_cast<int32_t>(t.arg(0)) == 1 || static_cast<int32_t>(t.arg(0)) == 2))
    opt.before_terminal_write();
  // --inject may skip the call, or hold the thread here for delay_enter.
  if (!(injector.active() && hold_at_entry(t, ts))) resume(t);  // in_syscall: stops at the exit

  auto& body = std::get<SyscallEnter>(enter_ev.body);
  body.call = t.call;
  body.sysno = t.sysno;
  body.number = t.number;
  body.args = t.args;  // copy-assign: reuses the strings' capacity
  enter_ev.ts = ts;
  enter_ev.pid = Pid{t.pid};
  enter_ev.tid = Tid{t.tid};
  out->on_event(enter_ev);
  if (stack) emit_stack();
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
  std::optional<uint64_t> flags = clone_flags(parent.sysno, parent.args, event);
  bool thread = false;
  if (event == PTRACE_EVENT_CLONE)
    thread = flags ? (*flags & CLONE_THREAD) != 0 : engine::read_tgid(child_tid) == parent.pid;
  Nanos ts = now();
  int parent_tid = parent.tid;
  int parent_pid = parent.pid;
  bool attached = parent.attached;
  bool filtered = parent.filtered;  // the filter is inherited by every child and thread
  quiet_clone(parent, flags, child_tid, thread);
  resume(parent);
  if (child_tid <= 0) return;
  if (auto known = tasks.find(child_tid); known != tasks.end()) {
    // Already adopted from its own first stop, guessing its parent from PPid (wrong for
    // CLONE_PARENT): this event names the real one. An attached process's child must be
    // detached at the end, never killed.
    known->second.attached = known->second.attached || attached;
    return;
  }
  int child_pid = thread ? parent_pid : child_tid;
  if (!thread) light_new_process(parent_pid, child_pid);
  Task& added = add_task(child_tid, child_pid);  // may rehash: `parent` is dead now
  added.attached = attached;
  added.filtered = filtered;
  added.every_call = light_mode() && light.every_call(child_pid);
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
    if (injector.active()) injector.moved(former, tid);
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
    restart(tid, engine::Resume::Syscall);
    return;
  }
  Task& t = it->second;
  Exec e;
  e.former_tid = Tid{former > 0 ? former : tid};
  std::size_t path_arg = t.sysno == SysNo::execveat ? 1 : 0;
  if (t.in_syscall && (t.sysno == SysNo::execve || t.sysno == SysNo::execveat)) {
    e.filename = t.args[path_arg].data;
    e.argv = split_nul(std::string(layout::argv_strings(t.args[path_arg + 1].data)));
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
  stacks.forget(t.pid);
  quiet.on_exec(t.pid);
  int pid = t.pid;
  light_exec(pid);  // may make `t` stop at every call: before it is restarted
  // The launched command's limits, fds and environment, read while it is stopped at its
  // exec: after the kernel closed the close-on-exec fds (gotrace's own launch pipes).
  Snapshot snap;
  if (first_exec) snap = engine::read_snapshot(pid, {}, sockets);
  resume(t);
  emit(ts, pid, tid, std::move(e));
  if (first_exec) emit(ts, pid, tid, std::move(snap));
}

}  // namespace gotrace::live
