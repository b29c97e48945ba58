// Starting the command to trace: resolve it in PATH, fork, PTRACE_SEIZE the child while it
// waits on a pipe, then let it exec. The child changes nothing the command would notice:
// same signal mask and dispositions, same environment, same fds (the pipes are CLOEXEC).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gotrace::engine {

// A resource limit the child sets on itself before execve (--rlimit), as prlimit(1) would.
struct ChildRlimit {
  int resource;  // RLIMIT_NOFILE, RLIMIT_NPROC...
  uint64_t soft;
  uint64_t hard;  // RLIM_INFINITY for unlimited
  std::string name;  // "RLIMIT_NOFILE", for messages
};

struct LaunchedChild {
  int pid = -1;
  int exec_error_fd = -1;  // read end: the child writes errno here if execve fails
  int release_fd = -1;     // write end: one byte lets the child go on to execve
  int filter_fd = -1;      // read end: the child's seccomp install result (an int errno)
  std::string path;        // the resolved executable
  std::vector<ChildRlimit> limits;  // set by the child before execve
};

// Resolves argv[0] like execvp (PATH search when it has no '/').
// Throws UsageError when it is not found, SetupError when it is not executable.
std::string resolve_command(const std::string& name);

// Forks; the child blocks until release(), sets `limits`, installs `filter` when it is not empty (after
// the tracer is attached: a RET_TRACE call without a tracer would fail with ENOSYS), and
// execs `path` with `argv`. The child is seized with `ptrace_options` and left in an
// interrupt stop, so the caller's wait loop sees it stop first. Throws SetupError on
// failure (and leaves no child behind).
LaunchedChild launch_seized(const std::string& path, const std::vector<std::string>& argv,
                            unsigned ptrace_options, const std::vector<sock_filter>& filter,
                            const std::vector<ChildRlimit>& limits = {});

// Once the child is at its execve: 0 when its filter is installed, else the errno.
// Precondition: a filter was given to launch_seized.
int filter_result(LaunchedChild& child);

// Lets the seized child proceed to execve.
void release(LaunchedChild& child);

// After the child exited without a successful exec: the errno it reported, or 0. When
// setting one of the limits failed rather than the exec, `step` (if given) is set to what
// was being done, e.g. "set RLIMIT_NOFILE to 10:5".
int exec_error(const LaunchedChild& child, std::string* step = nullptr);

}  // namespace gotrace::engine
