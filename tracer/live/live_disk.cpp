// Disk errors: the filesystem behind them, read when they happen. See live_impl.h.
#include <sys/wait.h>

#include <cerrno>

#include "live_impl.h"
#include "proc_facts.h"

namespace gotrace::live {

std::string LiveSource::Impl::disk_error_path(const Task& t, int64_t ret) {
  if (ret != -ENOSPC && ret != -EDQUOT && ret != -EROFS) return "";
  if (!disk_errors_seen.insert({t.pid, ret}).second) return "";  // once per process and error
  const SyscallInfo& info = syscall_info(t.sysno);
  for (int i = 0; i < info.nargs; ++i) {
    if (info.kinds[i] == ArgKind::Path && !t.args[i].data.empty()) return t.args[i].data;
    if (info.kinds[i] == ArgKind::Fd) {
      std::string target = engine::read_link("/proc/" + std::to_string(t.pid) + "/fd/" +
                                             std::to_string(static_cast<int32_t>(t.args[i].raw)));
      if (!target.empty() && target[0] == '/') return target;
    }
  }
  return "";
}

void LiveSource::Impl::snapshot_filesystems(int pid, int tid, std::vector<std::string> paths) {
  Nanos ts = now();
  emit(ts, pid, tid, engine::read_snapshot(pid, {.lock_holders = lock_holders_wanted(pid), .filesystems = std::move(paths)}, sockets));
}

// The launched command is exiting with a non-zero status: the filesystems of where a go
// command writes (its module and build caches, its temporary directory, its working
// directory), in case a disk error made it fail unseen (light mode lets file calls run).
void LiveSource::Impl::on_command_exit(const Task& t) {
  if (child.pid <= 0 || t.tid != child.pid || t.pid != child.pid) return;
  unsigned long msg = 0;
  if (!engine::event_message(t.tid, msg)) return;
  const int status = static_cast<int>(msg);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 0) return;
  std::map<std::string, std::string> env;
  for (const std::string& kv : engine::read_nul_list("/proc/" + std::to_string(t.pid) + "/environ"))
    if (auto eq = kv.find('='); eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  auto get = [&](const char* name) { auto it = env.find(name); return it == env.end() ? std::string() : it->second; };
  const std::string home = get("HOME");
  std::string gopath = get("GOPATH");
  gopath = gopath.substr(0, gopath.find(':'));
  if (gopath.empty() && !home.empty()) gopath = home + "/go";
  std::vector<std::string> paths{"."};
  if (std::string m = get("GOMODCACHE"); !m.empty()) paths.push_back(m);
  else if (!gopath.empty()) paths.push_back(gopath + "/pkg/mod");
  if (std::string c = get("GOCACHE"); !c.empty() && c != "off") paths.push_back(c);
  else if (std::string x = get("XDG_CACHE_HOME"); !x.empty()) paths.push_back(x + "/go-build");
  else if (!home.empty()) paths.push_back(home + "/.cache/go-build");
  std::string tmp = get("GOTMPDIR");
  if (tmp.empty()) tmp = get("TMPDIR");
  paths.push_back(tmp.empty() ? "/tmp" : tmp);
  snapshot_filesystems(t.pid, t.tid, std::move(paths));
}

}  // namespace gotrace::live
