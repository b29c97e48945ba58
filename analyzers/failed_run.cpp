// A command that exited non-zero: the failed calls that explain it, and what it said last
// on stderr. See analyzers.h.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <sys/wait.h>

#include "analyzers.h"
#include "gotrace/format.h"

namespace gotrace::analyzers {
namespace {

// Errors that explain a failure when a file or program call gets them. ENOENT only from
// execve: programs probe for files that are not there all the time.
bool explaining(int err, SysNo s) {
  switch (err) {
    case ENOSPC: case EDQUOT: case EROFS: case EIO: case EFBIG: case ENAMETOOLONG: case ELOOP:
      return true;
    case EACCES: case EPERM: {
      // A path or a file's data: not epoll_ctl's EPERM on regular files, nor a signal's.
      const SyscallInfo& info = syscall_info(s);
      return info.has(kFile) || s == SysNo::write || s == SysNo::pwrite64 || s == SysNo::writev;
    }
    case ENOENT:
      return s == SysNo::execve || s == SysNo::execveat;
    default:
      return false;
  }
}

bool disk_error(int err) { return err == ENOSPC || err == EDQUOT || err == EROFS; }

// The path in a message that names a disk error: "write /x/y.tmp: no space left on device"
// -> "/x/y.tmp" (the last word starting with '/' before the error); "" when none.
std::string path_in_message(const std::string& line) {
  std::string path;
  std::size_t i = 0;
  while ((i = line.find(" /", i)) != std::string::npos) {
    std::size_t end = line.find_first_of(" \"", i + 1);
    std::string word = line.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
    if (!word.empty() && word.back() == ':') word.pop_back();
    path = word;
    i += 1;
  }
  return path;
}

std::string mib(uint64_t b) {
  if (b < 1024 * 1024) return fmt::format("{} KiB", b / 1024);
  if (b < 1024ull * 1024 * 1024 * 10) return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1024.0 * 1024));
  return fmt::format("{:.1f} GiB", static_cast<double>(b) / (1024.0 * 1024 * 1024));
}

std::string tries_for(int err) {
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return "free space where it writes (`df -h`, `df -i` for inodes); GOMODCACHE, GOCACHE and GOTMPDIR can "
             "point to a larger filesystem; `go clean -cache -modcache` frees Go's caches";
    case EROFS:
      return "the filesystem is mounted read-only: point GOMODCACHE, GOCACHE and GOPATH at a writable place";
    case EACCES:
    case EPERM:
      return "check the owner and mode of the path (`ls -ld`); the module cache is read-only by design "
             "(GOFLAGS=-modcacherw makes it writable, `go clean -modcache` removes it)";
    case ENOENT:
      return "the program it runs is not installed, or not on PATH";
    default:
      return "check the device and filesystem behind the path (`dmesg`, `df -h`)";
  }
}

// The error a message names, as Go and the C library word them ("write ...: no space left
// on device"), 0 when none.
int error_in_message(const std::string& line) {
  static const std::pair<const char*, int> kTexts[] = {
      {"no space left on device", ENOSPC}, {"disk quota exceeded", EDQUOT}, {"read-only file system", EROFS},
      {"permission denied", EACCES},       {"operation not permitted", EPERM}, {"input/output error", EIO}};
  std::string lower;
  for (char ch : line) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const auto& [text, err] : kTexts)
    if (lower.find(text) != std::string::npos) return err;
  return 0;
}

}  // namespace

void FailedRun::on_event(const Event& e) {
  if (const auto* end = std::get_if<TraceEnd>(&e.body)) {
    exit_status_ = end->exit_status;
    return;
  }
  if (const auto* start = std::get_if<TraceStart>(&e.body)) {
    filtered_ = start->filtered;
    return;
  }
  int32_t pid = raw(e.pid);
  if (const auto* snap = std::get_if<Snapshot>(&e.body)) {
    for (const Filesystem& fs : snap->filesystems) filesystems_.push_back(fs);
    return;
  }
  if (std::holds_alternative<Exec>(e.body)) {
    exec_misses_.erase(pid);  // the search found the program
    return;
  }
  const auto* x = std::get_if<SyscallExit>(&e.body);
  if (!x) return;
  if (x->sysno == SysNo::write && x->arg(0) == 2 && x->ret > 0) {
    on_stderr(pid, x->args[1].data);
    return;
  }
  if (!x->failed() || !explaining(x->error(), x->sysno)) return;
  const bool exec_miss = x->error() == ENOENT && (x->sysno == SysNo::execve || x->sysno == SysNo::execveat);
  add_failure(exec_miss ? exec_misses_[pid] : failures_, pid, *x, e.ts, path_of(pid, *x));
}

void FailedRun::add_failure(Failures& to, int32_t pid, const SyscallExit& x, Nanos ts, std::string path) {
  Failure& f = to[{x.error(), x.sysno}];
  if (f.count++ == 0) {
    f.first = call_text(x);
    f.pid = pid;
    f.at = ts;
    f.path = std::move(path);
  }
  f.last_at = ts;
}

// "filesystem of PATH: tmpfs on /mnt/small, 1.0 MiB, 0 KiB free (0%), inodes 240 of 256 free"
// for the filesystem (read after the error) the path is on; "" when none was read.
std::string FailedRun::filesystem_evidence(const std::string& path) const {
  if (path.empty() || path[0] != '/') return "";
  const Filesystem* best = nullptr;
  for (const Filesystem& fs : filesystems_) {
    if (fs.mount.empty()) continue;
    bool under = fs.mount == "/" || (path.compare(0, fs.mount.size(), fs.mount) == 0 &&
                                     (path.size() == fs.mount.size() || path[fs.mount.size()] == '/'));
    if (under && (!best || fs.mount.size() > best->mount.size())) best = &fs;
  }
  if (!best) return "";
  const unsigned pct = best->size ? static_cast<unsigned>(best->avail * 100 / best->size) : 0;
  return fmt::format("filesystem of {}: {} on {}, {} in all, {} free ({}%){}{} (statfs after the error)", path,
                     best->type.empty() ? "?" : best->type, best->mount, mib(best->size), mib(best->avail), pct,
                     best->inodes ? fmt::format(", inodes {} of {} free", best->inodes_free, best->inodes) : "",
                     best->read_only ? ", mounted read-only" : "");
}

// The file a call names: its first path argument, else its fd's path in the process table.
std::string FailedRun::path_of(int32_t pid, const SyscallExit& x) const {
  const SyscallInfo& info = syscall_info(x.sysno);
  for (int i = 0; i < info.nargs; ++i) {
    if (info.kinds[i] == ArgKind::Path && !x.args[i].data.empty()) return x.args[i].data;
    if (info.kinds[i] == ArgKind::Fd)
      if (const ProcessInfo* p = table_.process(pid))
        if (auto it = p->fds.find(static_cast<int>(x.sarg(i))); it != p->fds.end() && !it->second.path.empty())
          return it->second.path;
  }
  return {};
}

void FailedRun::on_stderr(int32_t pid, const std::string& bytes) {
  // Lines may come in pieces: the last complete line, or the piece still going on.
  std::string& partial = partial_[pid];
  for (char ch : bytes) {
    if (ch == '\n') {
      if (!partial.empty()) last_line_ = partial;
      partial.clear();
    } else if (partial.size() < 300) {
      partial += ch;
    }
  }
  if (!partial.empty()) last_line_ = partial;
}

std::vector<Finding> FailedRun::findings() const {
  if (exit_status_ < 0 || !WIFEXITED(exit_status_) || WEXITSTATUS(exit_status_) == 0) return {};
  Finding f;
  f.severity = Severity::Error;
  f.kind = "command_failed";
  f.pid = table_.root_pid();
  std::string cmd = table_.command(f.pid);
  int status = WEXITSTATUS(exit_status_);
  // The failed calls, the last one first: the one closest to the failure.
  std::vector<std::pair<std::pair<int, SysNo>, const Failure*>> by_time;
  for (const auto& [key, fail] : failures_) by_time.emplace_back(key, &fail);
  for (const auto& [pid, misses] : exec_misses_)  // PATH searches that found nothing
    for (const auto& [key, fail] : misses) by_time.emplace_back(key, &fail);
  std::sort(by_time.begin(), by_time.end(), [](const auto& a, const auto& b) { return a.second->last_at > b.second->last_at; });
  std::string said = last_line_.empty() ? "" : fmt::format("its last line on stderr: \"{}\"", last_line_);
  if (by_time.empty()) {
    // Under the filter, file calls ran unseen: the message is the evidence.
    if (int err = error_in_message(last_line_); err != 0) {
      f.verdict = fmt::format("{} failed with exit status {}: {} ({}), by its last line on stderr: \"{}\"", cmd,
                              status, format::errno_text(err), format::errno_name(err), last_line_);
      if (filtered_) f.evidence.push_back("the failing call ran unseen under the seccomp filter; --full shows it");
      if (disk_error(err))
        if (std::string fs = filesystem_evidence(path_in_message(last_line_)); !fs.empty()) f.evidence.push_back(fs);
      f.tries = {tries_for(err)};
      return {f};
    }
    std::string seen = filtered_ ? "no failed call seen (light mode lets file calls run unseen; --full sees them)"
                                 : "no failed system call explains it";
    f.verdict = fmt::format("{} failed with exit status {}; {}{}{}", cmd, status, seen, said.empty() ? "" : "; ", said);
    f.tries = {"run it again with -x or -v (`go build -x`, `go mod download -x`) to see each step"};
    return {f};
  }
  const auto& [key, last] = by_time.front();
  int err = key.first;
  std::string where = last->path.empty() ? std::string(syscall_info(key.second).name) : last->path;
  f.verdict = fmt::format("{} failed with exit status {} after {}: {} ({})", cmd, status, where,
                          format::errno_text(err), format::errno_name(err));
  for (const auto& [k, fail] : by_time) {
    f.evidence.push_back(fmt::format("{} {}x {}: first {}{}", syscall_info(k.second).name, fail->count,
                                     format::errno_name(k.first), fail->first,
                                     fail->pid == f.pid ? "" : fmt::format(" (pid {}, {})", fail->pid, table_.command(fail->pid))));
    if (f.evidence.size() >= 5) break;
  }
  if (disk_error(err))
    if (std::string fs = filesystem_evidence(last->path); !fs.empty()) f.evidence.push_back(fs);
  if (!said.empty()) f.evidence.push_back(said);
  f.at = last->at;
  f.tries = {tries_for(err)};
  return {f};
}

}  // namespace gotrace::analyzers
