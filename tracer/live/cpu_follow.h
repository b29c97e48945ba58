// Keeping the tracer on the CPU of the threads it keeps restarting.
//
// Every ptrace stop is a round trip: the tracee stops and wakes the tracer, the tracer
// restarts the tracee. Left alone, the scheduler puts the two on different CPUs (it wakes a
// task on an idle CPU rather than on the busy one of its waker), so each stop makes an idle
// CPU wake up; on a virtual machine each such wake-up is a trip through the hypervisor.
// On the 2-vCPU VM of the README, 100,000 getppid under --full take 11-13 s under strace -f
// and 0.6 s with tracer and program pinned to one CPU.
//
// The tracer cannot pin the program (that would change what it traces), so it moves itself:
// while stops come close together it (1) moves to the CPU the stopped thread last ran on,
// and (2) restarts threads as a SCHED_IDLE task. A CPU running only SCHED_IDLE tasks counts
// as idle when the scheduler places the woken thread, so the thread is woken on the tracer's
// CPU and runs at once; the tracer gets the CPU back when the thread stops again. Between
// restarts the tracer runs SCHED_OTHER as before, with its own CPU mask restored right after
// each move: the scheduler may still move it anywhere.
//
// Not while the machine is busy: with more runnable tasks than CPUs + 1 (/proc/loadavg,
// system-wide, checked every 10 ms), a SCHED_IDLE tracer would wait behind other programs;
// there are no idle CPUs to wake then anyway. Only when the tracer runs SCHED_OTHER and may return to it from
// SCHED_IDLE (CAP_SYS_NICE, or an RLIMIT_NICE that allows its nice value). Not in light
// mode: it stops rarely, and on a busy build the SCHED_IDLE restarts cost more than they
// saved (clean go build, 3 runs: 9.09 s without, 9.40 s with; untraced 8.83 s).
#pragma once

#include <sched.h>

#include "gotrace/types.h"

namespace gotrace::live {

class CpuFollower {
 public:
  explicit CpuFollower(bool allowed = true);  // allowed: the caller's choice (not in light mode)
  ~CpuFollower();
  CpuFollower(const CpuFollower&) = delete;
  CpuFollower& operator=(const CpuFollower&) = delete;

  bool enabled() const { return enabled_; }
  // A stop of thread `tid` at `ts`; `hot`: it came soon after the previous one.
  void on_stop(int tid, Nanos ts, bool hot);
  // Around restarting a thread: SCHED_IDLE for the restart while hot and the machine has room.
  void before_resume() {
    if (window_) set_idle(true);
  }
  void after_resume() {
    if (window_) set_idle(false);
  }
  // How often it moved (for tests and the bench).
  unsigned long moves() const { return moves_; }

 private:
  void set_idle(bool idle);
  void move_to(int cpu);

  bool enabled_ = false;
  bool window_ = false;  // restart as SCHED_IDLE
  int cpus_ = 0;         // online CPUs, to compare with the runnable tasks of /proc/loadavg
  cpu_set_t mask_{};     // the tracer's own CPU mask at start
  Nanos next_check_{0};
  unsigned long moves_ = 0;
};

}  // namespace gotrace::live
