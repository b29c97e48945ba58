// Attach (-p), detach, and ending the trace (Ctrl-C, --duration): the rules that keep an
// attached process unharmed. See live_source.h.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "gotrace/error.h"
#include "keeper.h"
#include "live_impl.h"
#include "proc_facts.h"

namespace gotrace::live {

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
  Snapshot snap = engine::read_snapshot(pid, {.threads = true}, sockets);
  std::vector<std::string> argv = engine::read_nul_list("/proc/" + std::to_string(pid) + "/cmdline");
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  int seized = 0;
  for (bool found_new = true; found_new;) {  // threads born meanwhile: scan until stable
    found_new = false;
    for (int tid : engine::list_numeric_dir(task_dir)) {
      if (tasks.count(tid)) continue;
      if (!engine::seize(tid, engine::kTraceOptions)) {
        if (errno == ESRCH) continue;  // the thread exited meanwhile: not an error
        // EPERM from a thread that is exiting (the kernel refuses to trace one with an exit
        // state): gone too. A program whose threads come and go shows some at any time.
        const int err = errno;
        char state = engine::read_thread_state(pid, tid).state;
        if (err == EPERM && (state == 'Z' || state == 'X' || state == '?')) continue;
        if (seized == 0 && tid == pid) refuse_attach(pid, err);
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
  // Its fds once more, now that every thread is seized: a socket or file opened between
  // the first read and the seize (a download starting as we attach) would stay unknown for
  // the whole trace, its reads and writes on an fd no analyzer knows. Threads and their
  // calls stay as first read: a ptrace stop changes those, never the fd table.
  bool lock_wait = std::any_of(snap.fds.begin(), snap.fds.end(), [](const OpenFd& f) { return f.lock_holder != 0; });
  Snapshot fds_now = engine::read_snapshot(pid, {.lock_holders = lock_wait}, sockets);
  if (!fds_now.fds.empty()) snap.fds = std::move(fds_now.fds);
  argv_of[pid] = argv;
  // Tick.io_bytes counts its reads and writes from now on, not those made before the attach.
  uint64_t moved = 0;
  Usage before;
  read_counters(pid, counters[pid], moved, before);  // counted from the attach on
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

void LiveSource::Impl::check_stop_requests(Nanos ts) {
  if (opt.duration.count() > 0 && ts >= opt.duration && end_reason == EndReason::AllExited) {
    end_trace(EndReason::Duration);
    return;
  }
  int requests = g_stop_requests, before = user_requests;
  for (; handled_requests < requests; ++handled_requests) {
    if (requests - handled_requests > kStopRing) continue;  // overwritten: a flood, take the rest
    const StopRequest& r = g_stop_ring[handled_requests % kStopRing];
    // `kill -TERM 0` from the command reaches gotrace too (same process group): the
    // command's business, which it handles (or not) itself.
    int sender = r.sender, signo = r.signo;
    if (sender > 0 && traced_pids.count(sender)) {
      own_signal = {signo, ts};
      continue;
    }
    // A wrapper that relays what it gets to its child and group (coreutils `timeout` does)
    // got the command's signal too and passes it on: the same signal from gotrace's parent
    // right after the command's own is that relay, not the user.
    if (sender > 0 && sender == getppid() && signo == own_signal.first && ts - own_signal.second < kRelayWindow)
      continue;
    g_stop_signal = signo;
    ++user_requests;
  }
  if (user_requests != before) {
    // Two signals may arrive between two checks: the first still ends the trace (detach,
    // release held threads), the second then kills the launched command.
    if (before == 0) end_trace(EndReason::Interrupted);
    if (user_requests >= 2) kill_launched(SIGKILL);
  }
  if (kill_deadline.count() >= 0 && ts >= kill_deadline && !killed_all) kill_launched(SIGKILL);
}

// Ends the trace: attached processes are detached and go on; the launched command is sent
// the signal gotrace got (SIGTERM for --duration) and SIGKILL after the grace period.
void LiveSource::Impl::end_trace(EndReason why) {
  end_reason = why;
  int sig = why == EndReason::Duration ? SIGTERM : g_stop_signal;
  if (sig == SIGUSR1 || sig == SIGUSR2) {
    // Not a signal to pass on (the command may use it for something else). Without the
    // filter the command goes on untraced, as when strace dies of it; with the filter it
    // cannot (its filtered calls would fail with ENOSYS): SIGTERM, as at --duration.
    if (filter.empty())
      for (auto& [tid, t] : tasks) t.attached = true, detached_launched = true;
    sig = SIGTERM;
  }
  leave_daemons();
  detach_attached();
  bool launched_alive = std::any_of(tasks.begin(), tasks.end(),
                                    [](const auto& kv) { return !kv.second.attached; });
  if (child.pid > 0 && launched_alive) {
    // As strace does for its own child: wake it if stopped, then pass the signal on.
    kill(child.pid, SIGCONT);
    kill(child.pid, sig);
    kill_deadline = now() + opt.kill_grace;
  } else if (why == EndReason::Interrupted && (!attached_pids.empty() || detached_launched)) {
    end_reason = EndReason::Detached;
  }
}

void LiveSource::Impl::detach_attached() {
  release_holds();  // --inject: threads held for a delay go on now (see live_inject.cpp)
  std::vector<int> todo;
  for (const auto& [tid, t] : tasks)
    if (t.attached) todo.push_back(tid);
  // strace's detach(): interrupt a running tracee, wait for its stop, then PTRACE_DETACH,
  // re-injecting a signal it stopped with (never a group-stop's, which stays in effect).
  for (int tid : todo) engine::interrupt(tid);
  // A thread in an uninterruptible wait (a parent blocked in vfork) does not stop: give up
  // on it rather than wait for it (strace waits, ignoring --duration and signals meanwhile).
  Nanos give_up = now() + kDetachWait;
  while (!todo.empty()) {
    int tid = todo.back();
    todo.pop_back();
    detach_one(tid, todo, give_up);
  }
}

void LiveSource::Impl::detach_one(int tid, std::vector<int>& more, Nanos give_up) {
  auto it = tasks.find(tid);
  int pid = it != tasks.end() ? it->second.pid : tid;
  for (;;) {
    int status = 0;
    int r = waitpid(tid, &status, __WALL | WNOHANG);
    if (r == 0) {
      // Past the deadline, only a thread in an uninterruptible wait (state D) is given up
      // on: any other stops soon, however loaded the machine.
      if (now() < give_up || engine::read_thread_state(pid, tid).state != 'D') {
        usleep(1000);
        continue;
      }
      late_detach.insert(tid);
      break;
    }
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
  if (sig == SIGKILL && !killed_all && g_stop_signal != 0 && end_reason == EndReason::Interrupted)
    notes.push_back(fmt::format("the command was still running after {}: killed with SIGKILL ({})",
                                std::string("SIG") + sigabbrev_np(g_stop_signal),
                                user_requests >= 2 ? "asked twice" : "after the grace period"));
  killed_all = sig == SIGKILL;
  for (auto& [tid, t] : tasks)
    if (t.pid == tid && !t.attached && !t.handover) kill(tid, sig);
  if (child.pid > 0) kill(child.pid, sig);
}

// A process of the command that left its session (setsid: a daemon) is not the command's to
// end when the trace ends: it goes on. Without the filter it is detached, as strace does; under
// the filter it cannot run without a tracer (its filtered calls would fail with ENOSYS), so
// it is stopped, detached in that group-stop and handed to a keeper (keeper.h).
void LiveSource::Impl::leave_daemons() {
  if (child.pid <= 0) return;
  int sid = getsid(child.pid);  // the command's session (it may have made one itself)
  if (sid < 0) sid = getsid(0);
  std::vector<std::pair<int, bool>> daemons;  // pid, under the filter
  for (const auto& [tid, t] : tasks) {
    if (t.pid != tid || t.attached || t.handover || t.hide_until_exec || tid == child.pid) continue;
    int own = getsid(tid);
    if (own > 0 && own != sid) daemons.push_back({tid, t.filtered});
  }
  for (auto [pid, filtered] : daemons) {
    for (auto& [tid, t] : tasks)
      if (t.pid == pid) (filtered ? t.handover : t.attached) = true;
    std::string what = fmt::format("{} ({})", pid, fmt::join(argv_of[pid], " "));
    if (filtered) {
      kill(pid, SIGSTOP);  // each thread's group-stop comes to hand_over()
      notes.push_back(fmt::format("left process {} running: it left the command's session (a daemon); "
                                  "a gotrace-keeper process answers its seccomp filter's stops until it exits", what));
    } else {
      notes.push_back(fmt::format("left process {} running, untraced: it left the command's session (a daemon)", what));
    }
  }
}

void LiveSource::Impl::hand_over(int tid) {
  auto it = tasks.find(tid);
  int pid = it->second.pid;
  release(tid, 0);  // stays in the group-stop
  tasks.erase(it);
  for (const auto& [other, t] : tasks)
    if (t.pid == pid) return;  // the keeper seizes the process once every thread is off
  argv_of.erase(pid);
  if (!start_keeper(pid)) {
    kill(pid, SIGCONT);
    notes.push_back(fmt::format("could not start a keeper for process {}: it runs untraced, and its "
                                "filtered calls fail with ENOSYS", pid));
  }
}

}  // namespace gotrace::live
