// Keeping the tracer on the CPU of the threads it keeps restarting.
//
// Every ptrace stop is a round trip: the tracee stops and wakes the tracer, the tracer
// restarts the tracee. Left alone, the scheduler puts the two on different CPUs (it wakes a
// task on an idle CPU rather than on the busy one of its waker), so each stop makes an idle
// CPU wake up; on a virtual machine each such wake-up is a trip through the hypervisor.
// With tracer and program on one CPU a syscall storm runs many times faster (the numbers:
// docs/performance.md, "Where the time of a stop goes").
//
// The tracer cannot pin the program (that would change what it traces), so it moves itself:
// while stops come close together it (1) moves to the CPU the stopped thread last ran on,
// and (2) restarts threads as a SCHED_IDLE task. A CPU running only SCHED_IDLE tasks counts
// as idle when the scheduler places the woken thread, so the thread is woken on the tracer's
// CPU and runs at once; the tracer gets the CPU back when the thread stops again. Whenever
// it waits the tracer runs SCHED_OTHER, with its own CPU mask restored right after each
// move: the scheduler may still move it anywhere.
//
// Returning to SCHED_OTHER after every restart cost two sched_setscheduler calls per stop,
// a large share of the tracer's CPU under --full (perf). So while at
// most one task per CPU is runnable, the tracer stays SCHED_IDLE from a restart until it
// next has to wait: a waitpid poll that finds nothing, or a sleep in waitpid. In a syscall
// storm the next stop is already there when the tracer gets its CPU back, and it keeps
// restarting as SCHED_IDLE without a single sched_setscheduler call. A SCHED_IDLE tracer
// is starved by any other task on its
// CPU: when a stop is found more than kStarved after the previous one while it was
// SCHED_IDLE, it returns to SCHED_OTHER at once and restarts the eager way until the next check.
//
// Not while the machine is busy: with more runnable tasks than CPUs + 1 (/proc/loadavg,
// system-wide, checked every 10 ms), a SCHED_IDLE tracer would wait behind other programs;
// there are no idle CPUs to wake then anyway. Only when the tracer runs SCHED_OTHER and may return to it from
// SCHED_IDLE (CAP_SYS_NICE, or an RLIMIT_NICE that allows its nice value). Not in light
// mode: it stops rarely, and on a busy build the SCHED_IDLE restarts cost more than they
// saved. Every rule here was measured: docs/performance.md has the runs.
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
  // A stop of thread `tid` found at `ts`; `hot`: it came soon after the previous one.
  void on_stop(int tid, Nanos ts, bool hot);
  // Around restarting a thread: SCHED_IDLE for the restart while hot and the machine has
  // room; back to SCHED_OTHER after it unless the tracer may stay SCHED_IDLE (stay_).
  void before_resume() {
    if (window_ && !idle_) set_idle(true);
  }
  void after_resume() {
    if (idle_ && !stay_) set_idle(false);
  }
  // The tracer is about to wait for a stop (a poll found nothing, or it will sleep).
  void on_wait() {
    if (idle_) set_idle(false);
  }
  // How often it moved, and found itself starved while SCHED_IDLE (for tests and the bench).
  unsigned long moves() const { return moves_; }
  unsigned long starved() const { return starved_; }
  bool stays() const { return stay_; }
  // Whether the last check found room to follow (no more runnable tasks than CPUs + 1).
  bool has_room() const { return window_; }

 private:
  void set_idle(bool idle);
  void move_to(int cpu);

  bool enabled_ = false;
  bool window_ = false;  // restart as SCHED_IDLE
  bool stay_ = false;    // ... and stay so until the tracer has to wait
  bool idle_ = false;    // the tracer runs SCHED_IDLE now
  int cpus_ = 0;         // online CPUs, to compare with the runnable tasks of /proc/loadavg
  cpu_set_t mask_{};     // the tracer's own CPU mask at start
  Nanos next_check_{0};
  Nanos last_stop_{0};
  Nanos no_stay_until_{0};  // eager until then, after a starved stop
  unsigned long moves_ = 0;
  unsigned long starved_ = 0;
};

}  // namespace gotrace::live
