// See cpu_follow.h.
#include "cpu_follow.h"

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>

#include "proc_facts.h"

namespace gotrace::live {
namespace {

constexpr Nanos kCheckEvery = std::chrono::milliseconds(10);
// A stop found this long after the previous one while SCHED_IDLE: the tracer was starved
// (a storm's round trip takes microseconds; the hypervisor alone makes sub-millisecond gaps
// now and then), or a thread ran that long on its CPU. After such a stop the tracer
// restarts the eager way until the next check. Not doubled at each starved stop: that made
// it eager for good on a storm, whose starved stops are the hypervisor's.
constexpr Nanos kStarved = std::chrono::microseconds(500);

// Whether this thread, once SCHED_IDLE, may become SCHED_OTHER again: sched(7) lets an
// unprivileged thread leave SCHED_IDLE only within its RLIMIT_NICE.
bool may_leave_idle() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) == 0 && (data[0].effective & (1u << CAP_SYS_NICE)) != 0) return true;
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (errno != 0) return false;
  rlimit lim{};
  if (getrlimit(RLIMIT_NICE, &lim) != 0) return false;
  return lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= static_cast<rlim_t>(20 - nice);
}

}  // namespace

CpuFollower::CpuFollower(bool allowed) {
  cpus_ = get_nprocs();
  if (!allowed || sched_getscheduler(0) != SCHED_OTHER || cpus_ < 2) return;
  if (sched_getaffinity(0, sizeof mask_, &mask_) != 0 || CPU_COUNT(&mask_) < 2) return;
  enabled_ = may_leave_idle();
}

CpuFollower::~CpuFollower() {
  if (!enabled_) return;
  on_wait();
  sched_setaffinity(0, sizeof mask_, &mask_);
}

void CpuFollower::on_stop(int tid, Nanos ts, bool hot) {
  if (!enabled_) return;
  if (idle_ && ts - last_stop_ > kStarved) {
    set_idle(false);
    stay_ = false;
    no_stay_until_ = ts + kCheckEvery;
    ++starved_;
  }
  last_stop_ = ts;
  if (!hot) {
    on_wait();
    window_ = stay_ = false;
    return;
  }
  if (ts < next_check_) return;
  next_check_ = ts + kCheckEvery;
  // This tracer is among them, and often the thread just restarted: one more than the CPUs
  // is still a machine where a SCHED_IDLE restart wins (docs/performance.md).
  int running = engine::read_running_tasks();
  window_ = running > 0 && running <= cpus_ + 1;
  stay_ = window_ && running <= cpus_ && ts >= no_stay_until_;
  if (!stay_) on_wait();
  if (!window_) return;
  int cpu = engine::read_task_cpu(tid);
  if (cpu >= 0 && cpu != sched_getcpu() && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &mask_)) move_to(cpu);
}

void CpuFollower::set_idle(bool idle) {
  sched_param none{};
  if (sched_setscheduler(0, idle ? SCHED_IDLE : SCHED_OTHER, &none) == 0) {
    idle_ = idle;
    return;
  }
  enabled_ = window_ = stay_ = false;  // not expected after may_leave_idle(): stop trying
  if (idle_) sched_setscheduler(0, SCHED_OTHER, &none);
  idle_ = false;
}

// sched_setaffinity to one CPU moves the calling thread there before it returns; the
// original mask, set again at once, lets the scheduler move it on as it sees fit.
void CpuFollower::move_to(int cpu) {
  if (!engine::pin_to_cpu(cpu)) return;
  sched_setaffinity(0, sizeof mask_, &mask_);
  ++moves_;
}

}  // namespace gotrace::live
