// Facts about a process read from /proc and prlimit without stopping it: limits, open fds
// (with socket details), the environment that matters to Go, per-thread current syscall.
// They become a Snapshot event at launch and at attach.
#pragma once

#include <sched.h>

#include <string>

#include "gotrace/event.h"
#include "proc_net.h"

namespace gotrace::engine {

// Environment variable names worth recording (GOPROXY, GOSUMDB, GOFLAGS, GIT_*, proxies...).
bool go_relevant_env(const std::string& name);

// What read_snapshot reads besides limits, fds and environment.
struct SnapshotScope {
  // Each thread's state and current syscall (for attach; a launched child has one thread,
  // not yet running the command). A thread blocked on a file lock turns lock_holders on.
  bool threads = false;
  // Who holds the lock a thread waits for, on each regular file's fd. It costs a read of
  // /proc/locks, which takes the kernel's file-lock rwsem for writing: every flock and
  // fcntl lock call on the machine waits for an RCU grace period (13-18 ms measured here),
  // so it is read only when a thread is known to wait for a lock.
  bool lock_holders = false;
  // The filesystems these paths are on (read_filesystems): after a disk error.
  std::vector<std::string> filesystems = {};
};

// The filesystem each path (absolute, or relative to the process's cwd, seen through its
// root and mount namespace) is on: mount point and type from /proc/PID/mountinfo, size and
// free space from statvfs. A path that is gone is looked up by its nearest existing parent.
std::vector<Filesystem> read_filesystems(int pid, const std::vector<std::string>& paths);

// Reads the snapshot of `pid`.
Snapshot read_snapshot(int pid, SnapshotScope scope, SocketTable& sockets);

// RLIMIT_NOFILE of `pid` (prlimit), RLIM_INFINITY when unreadable; how many fds it has open.
Rlimit read_nofile(int pid);
std::size_t count_fds(int pid);
// rchar + wchar of /proc/PID/io: bytes the process read and wrote so far, by every thread
// (exited ones included), whether or not the calls stopped a tracer. False when unreadable.
bool read_io_bytes(int pid, uint64_t& bytes);
// The same, and read_bytes / write_bytes: what went to or came from the storage layer
// (the page cache's writeback counts; a tmpfs write counts nothing). False when unreadable.
struct IoCounters {
  uint64_t bytes = 0;  // rchar + wchar
  uint64_t disk_read = 0, disk_written = 0;
};
bool read_io(int pid, IoCounters& io);
// utime + stime of the whole process (/proc/PID/stat), in ns. False when unreadable.
bool read_process_cpu_ns(int pid, int64_t& ns);
// The CPU a thread last ran on (/proc/TID/stat "processor"); -1 when unreadable.
int read_task_cpu(int tid);
// Runnable tasks in the whole system right now (/proc/loadavg); -1 when unreadable.
int read_running_tasks();
// Moves the calling thread onto `cpu` (sched_setaffinity to that CPU alone: it runs there
// when this returns). False when it may not run there. The caller restores its own mask.
bool pin_to_cpu(int cpu);
// "Now" on a CPU's scheduler clock. se.exec_start (/proc/.../sched: when a thread last
// ran) is stamped with the clock of the CPU it ran on, and on a VM those clocks differ by
// seconds (steal time), so comparing a
// thread's with the tracer's own is right only on the same CPU. now_ms(cpu) reads the
// calling thread's own se.exec_start while it runs on `cpu` (it moves there with
// sched_setaffinity); the destructor gives it back its CPU mask. One reading per CPU.
class SchedClock {
 public:
  SchedClock() = default;
  ~SchedClock();
  SchedClock(const SchedClock&) = delete;
  SchedClock& operator=(const SchedClock&) = delete;
  double now_ms(int cpu);  // -1: unknown (no such CPU, or not allowed to run there)

 private:
  cpu_set_t mask_{};  // the caller's own, read before the first move
  bool have_mask_ = false;
  bool moved_ = false;
  std::vector<std::pair<int, double>> read_;  // cpu, now
};
// One thread's state read without stopping it: /proc/PID/task/TID/syscall (call and args),
// stat (state letter, utime + stime).
ThreadState read_thread_state(int pid, int tid);
// Where it waits and since when: wchan and time off CPU (/proc/.../wchan, sched) into `t`.
// `clock`: one for a batch of threads.
void read_thread_details(int pid, int tid, SchedClock& clock, ThreadState& t);

// Tgid and PPid of a task from /proc/TID/status; 0 when unreadable.
int read_tgid(int tid);
int read_ppid(int tid);
int read_tracer(int pid);  // TracerPid
int read_uid(int pid);     // real uid

// A symlink's target ("/proc/PID/cwd", "/proc/PID/fd/N"); "" when unreadable.
std::string read_link(const std::string& path);

// Numeric entries of a /proc directory (task ids, fds), sorted.
std::vector<int> list_numeric_dir(const std::string& path);

// NUL-separated file contents as strings (cmdline, environ).
std::vector<std::string> read_nul_list(const std::string& path);

}  // namespace gotrace::engine
