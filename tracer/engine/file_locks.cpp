// /proc/locks. See file_locks.h.
#include "file_locks.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gotrace/syscall_table.h"
#include "proc_facts.h"

namespace gotrace::engine {

std::vector<FileLock> parse_file_locks(std::string_view text) {
  std::vector<FileLock> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    FileLock l;
    std::string id, word, mode, dev;
    if (!(f >> id) || id.empty() || id.back() != ':') continue;
    l.id = std::atoll(id.c_str());
    if (!(f >> word)) continue;
    if (word == "->") {
      l.waiter = true;
      if (!(f >> word)) continue;
    }
    l.type = word;
    if (!(f >> mode >> l.access >> l.pid >> dev)) continue;
    unsigned maj = 0, min = 0;
    unsigned long long ino = 0;
    if (std::sscanf(dev.c_str(), "%x:%x:%llu", &maj, &min, &ino) != 3) continue;
    l.major = maj;
    l.minor = min;
    l.inode = ino;
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<FileLock> read_file_locks() {
  std::ifstream in("/proc/locks");
  if (!in) return {};
  std::ostringstream all;
  all << in.rdbuf();
  return parse_file_locks(all.str());
}

bool lock_holder(const std::vector<FileLock>& locks, int32_t pid, uint32_t major, uint32_t minor, uint64_t inode,
                 FileLock& holder) {
  auto same = [&](const FileLock& l) { return l.major == major && l.minor == minor && l.inode == inode; };
  for (const FileLock& w : locks) {
    if (!w.waiter || w.pid != pid || !same(w)) continue;
    // The lock it is blocked on has the waiter's id; failing that, any holder of the file.
    const FileLock* any = nullptr;
    for (const FileLock& h : locks) {
      if (h.waiter || !same(h) || h.pid == pid) continue;
      if (h.id == w.id) {
        holder = h;
        return true;
      }
      if (!any) any = &h;
    }
    if (any) {
      holder = *any;
      return true;
    }
  }
  return false;
}

std::string describe_process(int32_t pid) {
  if (pid <= 0) return "";
  std::vector<std::string> argv = read_nul_list("/proc/" + std::to_string(pid) + "/cmdline");
  if (argv.empty()) return "";
  std::string cmd = argv[0].substr(argv[0].rfind('/') + 1);
  for (std::size_t i = 1; i < argv.size() && i < 4; ++i) cmd += " " + argv[i];
  ThreadState t = read_thread_state(pid, pid);
  std::string doing = t.number == -1 ? "running"
                      : t.number >= 0 ? std::string("in ") + syscall_info(sysno_from_number(kHostArch, t.number)).name
                                      : "";
  return doing.empty() ? cmd : cmd + ", " + doing;
}

}  // namespace gotrace::engine
