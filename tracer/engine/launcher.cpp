// Launching the traced command. See launcher.h.
#include "launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "gotrace/error.h"
#include "ptrace_ops.h"

namespace gotrace::engine {
namespace {

bool executable_file(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string resolve_command(const std::string& name) {
  if (name.empty()) throw UsageError("empty command name");
  std::string found;
  if (name.find('/') != std::string::npos) {
    found = name;
  } else {
    const char* path_env = std::getenv("PATH");
    std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      std::string dir = path.substr(start, end - start);
      std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
      if (executable_file(candidate) && access(candidate.c_str(), X_OK) == 0) {
        found = candidate;
        break;
      }
      if (found.empty() && executable_file(candidate)) found = candidate;  // for the error
      start = end + 1;
    }
    if (found.empty()) throw UsageError("command not found: '" + name + "'");
  }
  struct stat st {};
  if (stat(found.c_str(), &st) != 0) {
    // Not found is not found, however it was spelled (`nosuchcmd` or `/no/such/cmd`): exit 2.
    if (errno == ENOENT || errno == ENOTDIR) throw UsageError("command not found: '" + name + "'");
    throw SetupError("cannot execute '" + found + "': " + std::strerror(errno), errno);
  }
  if (S_ISDIR(st.st_mode))
    throw SetupError("cannot execute '" + found + "': " + std::strerror(EISDIR), EISDIR);
  if (access(found.c_str(), X_OK) != 0)
    throw SetupError("cannot execute '" + found + "': " + std::strerror(errno), errno);
  return found;
}

LaunchedChild launch_seized(const std::string& path, const std::vector<std::string>& argv,
                            unsigned ptrace_options, const std::vector<sock_filter>& filter,
                            const std::vector<ChildRlimit>& limits) {
  int go[2], err[2], filt[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(filt, O_CLOEXEC) != 0)
    throw SetupError(std::string("pipe: ") + std::strerror(errno), errno);
  sock_fprog prog{static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};

  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  std::vector<rlimit> rl;
  for (const ChildRlimit& l : limits) rl.push_back({l.soft, l.hard});

  pid_t pid = fork();
  if (pid < 0) throw SetupError(std::string("fork: ") + std::strerror(errno), errno);
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    close(go[1]);
    close(err[0]);
    close(filt[0]);
    char c;
    while (read(go[0], &c, 1) < 0 && errno == EINTR) {
    }
    // Before the filter: the command starts with these limits, as under prlimit(1).
    for (std::size_t i = 0; i < rl.size(); ++i) {
      if (setrlimit(limits[i].resource, &rl[i]) != 0) {
        int failed[2] = {errno, static_cast<int>(i) + 1};
        (void)!write(err[1], failed, sizeof failed);
        _exit(127);
      }
    }
    if (prog.len > 0) {
      int result = 0;
      // no_new_privs only where the kernel requires it: it would stop setuid programs.
      if (geteuid() != 0) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) result = errno;
      (void)!write(filt[1], &result, sizeof result);
    }
    execv(path.c_str(), cargv.data());
    int e = errno;
    (void)!write(err[1], &e, sizeof e);
    _exit(127);
  }
  close(go[0]);
  close(err[1]);
  close(filt[1]);
  if (!seize(pid, ptrace_options) || !interrupt(pid)) {
    int e = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(go[1]);
    close(err[0]);
    close(filt[0]);
    throw SetupError(std::string("cannot trace the command: ptrace: ") + std::strerror(e), e);
  }
  return LaunchedChild{pid, err[0], go[1], filt[0], path, limits};
}

void release(LaunchedChild& child) {
  if (child.release_fd >= 0) {
    char c = 'g';
    (void)!write(child.release_fd, &c, 1);
    close(child.release_fd);
    child.release_fd = -1;
  }
}

int filter_result(LaunchedChild& child) {
  int result = ENOSYS;
  if (child.filter_fd < 0) return result;
  if (read(child.filter_fd, &result, sizeof result) != static_cast<ssize_t>(sizeof result)) result = ENOSYS;
  close(child.filter_fd);
  child.filter_fd = -1;
  return result;
}

namespace {
std::string limit_text(uint64_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }
}  // namespace

int exec_error(const LaunchedChild& child, std::string* step) {
  int msg[2] = {0, 0};  // errno, and which limit failed (1-based; 0: the exec itself)
  if (child.exec_error_fd < 0) return 0;
  ssize_t n = read(child.exec_error_fd, msg, sizeof msg);
  if (n < static_cast<ssize_t>(sizeof(int))) return 0;
  std::size_t which = n == static_cast<ssize_t>(sizeof msg) ? static_cast<std::size_t>(msg[1]) : 0;
  if (step && which > 0 && which <= child.limits.size()) {
    const ChildRlimit& l = child.limits[which - 1];
    *step = "set " + l.name + " to " + limit_text(l.soft) + ":" + limit_text(l.hard);
  }
  return msg[0];
}

}  // namespace gotrace::engine
