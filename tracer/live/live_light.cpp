// The live loop's light-mode hooks (light_policy.h decides, this file acts) and the
// per-process counters behind Tick.io_bytes.
//
// Making a process stop at every call takes effect at each thread's next stop; a thread running or
// blocked in a call that the kernel restarts unseen after a ptrace stop (futex, reads,
// writes, waits...) is interrupted (PTRACE_INTERRUPT) so that it happens now. A
// thread blocked in connect() is not (an interrupted connect restarts as EALREADY), nor in
// an epoll wait unless the process is Go (epoll_wait returns EINTR, which Go's netpoller
// retries but a C program may not), nor in getrandom (it restarts unseen when it waits for
// entropy, but a seccomp USER_NOTIF supervisor holding it would see its notification
// withdrawn; the call is reported from /proc anyway).
#include <algorithm>
#include <cerrno>

#include "live_impl.h"
#include "proc_facts.h"
#include "elf_image.h"

namespace gotrace::live {
namespace {

bool is_go_binary(int pid) {
  char path[4096];
  ssize_t n = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  stack::ElfImage elf(path);
  return elf.ok() && (elf.section(".gopclntab") || elf.section(".go.buildinfo"));
}

// Whether PTRACE_INTERRUPT is invisible to a thread blocked in `s`: the kernel restarts the
// same call (ERESTARTSYS) when it is resumed. Not, outside Go, the sleeps and polls with a
// timeout: they come back as restart_syscall(), which would hide what the thread waits in
// (it is seen in /proc meanwhile, and it makes no call while it sleeps).
bool restarts_unseen(SysNo s, bool go) {
  switch (s) {
    case SysNo::futex:
    case SysNo::read: case SysNo::readv: case SysNo::pread64: case SysNo::write: case SysNo::writev:
    case SysNo::recvfrom: case SysNo::recvmsg: case SysNo::sendto: case SysNo::sendmsg:
    case SysNo::wait4: case SysNo::waitid: case SysNo::accept: case SysNo::accept4: case SysNo::openat:
    case SysNo::restart_syscall:  // restarts as itself
      return true;
    // A Go thread waiting here runs goroutines next (their reads must stop): Go retries an
    // interrupted epoll wait, and its sleeps coming back as restart_syscall() hide nothing.
    case SysNo::epoll_wait: case SysNo::epoll_pwait: case SysNo::epoll_pwait2:
    case SysNo::nanosleep: case SysNo::clock_nanosleep:
      return go;
    default:
      return false;
  }
}

}  // namespace

void LiveSource::Impl::set_every_call(int pid, bool on, int stopped_tid) {
  bool go = false;
  if (auto c = counters.find(pid); c != counters.end()) go = c->second.go;
  for (auto& [tid, t] : tasks) {
    if (t.pid != pid || t.every_call == on) continue;
    t.every_call = on;  // off: back to the filter at its next restart
    // In a traced call it stops at the call's exit anyway (an interrupt would end the call
    // with ERESTARTSYS first, an extra call in the trace).
    if (!on || tid == stopped_tid || t.hide_until_exec || !t.filtered || t.in_syscall) continue;
    ThreadState s = engine::read_thread_state(pid, tid);
    bool awake = s.state == 'R' || s.state == 'S' || s.state == 'D';
    if (!awake) continue;  // stopped (group-stop, or a stop not handled yet): next restart
    if (s.number >= 0 && !restarts_unseen(sysno_from_number(kHostArch, s.number), go)) continue;
    engine::interrupt(tid);  // ESRCH: it exited, its report follows
  }
}

// Fd pressure began: the fds opened and closed unseen so far are read again (a Snapshot),
// so that the fd count and who holds the fds are right in the findings.
void LiveSource::Impl::on_pressure(int pid, bool was_pressed) {
  if (!was_pressed && light.pressed(pid)) emit_snapshot(pid, pid);
}

void LiveSource::Impl::light_exit(const Task& t, int64_t ret) {
  const SyscallInfo& info = syscall_info(t.sysno);
  bool was_pressed = light.pressed(t.pid);
  bool changed = light.on_exit(t.pid, t.sysno, t.args, ret);
  if (t.sysno == SysNo::connect && (ret == 0 || ret == -EINPROGRESS)) counters[t.pid].connected = true;
  if (info.has(kLimits) && ret == 0)
    changed = light.on_nofile(t.pid, engine::read_nofile(t.pid).soft, engine::count_fds(t.pid)) || changed;
  if (!changed) return;
  on_pressure(t.pid, was_pressed);
  set_every_call(t.pid, light.every_call(t.pid), t.tid);
}

void LiveSource::Impl::light_exec(int pid) {
  ProcessCounters& c = counters[pid];
  if (!light_mode()) return;
  c.go = is_go_binary(pid);
  light.on_exec(pid);
  light.on_nofile(pid, engine::read_nofile(pid).soft, engine::count_fds(pid));
  set_every_call(pid, light.every_call(pid), pid);
}

void LiveSource::Impl::light_new_process(int parent_pid, int child_pid) {
  ProcessCounters& c = counters[child_pid];
  if (auto p = counters.find(parent_pid); p != counters.end()) c.go = p->second.go;
  if (light_mode()) light.on_fork(parent_pid, child_pid);
}

// A process that connected a socket is ending: its reads and writes ran unseen since the
// last Snapshot, so the kernel's TCP facts are read once more while its fds are still open
// (the exit stop comes before the kernel closes them). Without this, a request seen
// waiting at a stall whose answer was read unseen later would end "without an answer".
void LiveSource::Impl::light_leader_exit(const Task& t) {
  if (!light_mode() || !filter_active || t.tid != t.pid) return;
  if (auto c = counters.find(t.pid); c != counters.end() && c->second.connected)
    emit_snapshot(t.pid, t.tid);
}

// Dated before it is read: a Snapshot's ages (TCP facts, file times) count back from then.
void LiveSource::Impl::emit_snapshot(int pid, int tid) {
  Nanos ts = now();
  emit(ts, pid, tid, engine::read_snapshot(pid, {.lock_holders = lock_holders_wanted(pid)}, sockets));
}

void LiveSource::Impl::light_gone(int pid) {
  counters.erase(pid);
  light.on_gone(pid);
}

bool LiveSource::Impl::read_counters(int pid, ProcessCounters& c, uint64_t& moved, Usage& usage) {
  engine::IoCounters io;
  bool ok = engine::read_io(pid, io);
  if (ok) {
    if (io.bytes > c.io_bytes) moved += io.bytes - c.io_bytes;
    if (io.disk_read > c.disk_read) usage.disk_read += io.disk_read - c.disk_read;
    if (io.disk_written > c.disk_written) usage.disk_written += io.disk_written - c.disk_written;
    c.io_bytes = io.bytes;
    c.disk_read = io.disk_read;
    c.disk_written = io.disk_written;
  }
  int64_t ns = 0;
  if (engine::read_process_cpu_ns(pid, ns)) {
    if (ns > c.cpu_ns) usage.cpu_ns += ns - c.cpu_ns;
    c.cpu_ns = ns;
  }
  return ok;
}

// A process is ending (its leader's exit stop, its counters still readable): what it did
// since the last Tick is counted with the next one, or with TraceEnd.
void LiveSource::Impl::final_counters(const Task& t) {
  if (t.tid != t.pid) return;
  auto c = counters.find(t.pid);
  if (c == counters.end()) return;
  uint64_t moved = 0;
  read_counters(t.pid, c->second, moved, usage_since_tick);
}

uint64_t LiveSource::Impl::count_io(Nanos ts, Usage& usage) {
  uint64_t moved = 0;
  Usage mine;
  for (auto& [pid, c] : counters) read_counters(pid, c, moved, mine);
  const int64_t cpu = mine.cpu_ns;
  usage = usage_since_tick;
  usage.cpu_ns += mine.cpu_ns;
  usage.disk_read += mine.disk_read;
  usage.disk_written += mine.disk_written;
  usage_since_tick = Usage{};
  if (!light_mode() || !filter_active) return moved;
  std::vector<int> pids;
  for (const auto& [pid, c] : counters) pids.push_back(pid);
  std::sort(pids.begin(), pids.end());
  // fd pressure builds up unseen: the fd count against the limit, once a tick.
  for (int pid : pids) {
    bool was_pressed = light.pressed(pid);
    if (!light.on_nofile(pid, engine::read_nofile(pid).soft, engine::count_fds(pid))) continue;
    on_pressure(pid, was_pressed);
    set_every_call(pid, light.every_call(pid), -1);
  }
  int change = light.on_tick(moved > 0, cpu >= (opt.tick / 4).count());
  if (change > 0) {
    // Stuck: what changed unseen (files opened and closed, sockets closed) is read again
    // before every call is traced.
    for (int pid : pids) {
      emit(ts, pid, pid, engine::read_snapshot(pid, {.lock_holders = lock_holders_wanted(pid)}, sockets));
      set_every_call(pid, true, -1);
    }
    return moved;
  }
  if (change < 0)
    for (int pid : pids) set_every_call(pid, light.every_call(pid), -1);
  // A process that connected a socket: the kernel's TCP facts once a tick, so that the
  // waits and transfers its unseen reads and writes made are in the account of where the
  // run's time went (a request answered after 4 s while other downloads kept bytes moving).
  for (int pid : pids)
    if (counters[pid].connected && !light.every_call(pid)) emit_snapshot(pid, pid);
  return moved;
}

}  // namespace gotrace::live
