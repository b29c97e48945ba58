// The filesystems paths of a process are on. See proc_facts.h (read_filesystems).
#include <sys/statvfs.h>

#include <fstream>
#include <sstream>

#include "proc_facts.h"

namespace gotrace::engine {
namespace {

// A mountinfo field with its octal escapes undone ("\040" is a space).
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool under(const std::string& path, const std::string& mount) {
  if (mount == "/") return true;
  return path.compare(0, mount.size(), mount) == 0 && (path.size() == mount.size() || path[mount.size()] == '/');
}

}  // namespace

std::vector<Filesystem> read_filesystems(int pid, const std::vector<std::string>& paths) {
  const std::string base = "/proc/" + std::to_string(pid);
  const std::string cwd = read_link(base + "/cwd");
  // Mount points and types, as the process sees them (its mount namespace).
  std::vector<std::pair<std::string, std::string>> mounts;
  std::ifstream in(base + "/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string id, parent, dev, root, point;
    f >> id >> parent >> dev >> root >> point;
    auto dash = line.find(" - ");
    if (!f || dash == std::string::npos) continue;
    std::istringstream rest(line.substr(dash + 3));
    std::string type;
    rest >> type;
    mounts.emplace_back(unescape(point), type);
  }
  std::vector<Filesystem> out;
  for (std::string path : paths) {
    if (path.empty()) continue;
    if (path[0] != '/') path = (cwd.empty() ? std::string("/") : cwd + "/") + path;
    Filesystem fs;
    fs.path = path;
    // The path may be gone (a temporary file removed after the failure): its nearest
    // existing directory is on the same filesystem, unless a mount point lies between.
    struct statvfs st {};
    std::string probe = path;
    bool ok = false;
    while (!probe.empty()) {
      if (statvfs((base + "/root" + probe).c_str(), &st) == 0) {
        ok = true;
        break;
      }
      if (probe == "/") break;
      auto slash = probe.rfind('/');
      probe = slash == 0 ? "/" : probe.substr(0, slash);
    }
    if (!ok) continue;
    fs.size = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
    fs.avail = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
    fs.inodes = st.f_files;
    fs.inodes_free = st.f_favail;
    fs.read_only = (st.f_flag & ST_RDONLY) != 0;
    for (const auto& [point, type] : mounts)  // the last mount over a path is the visible one
      if (under(probe, point) && point.size() >= fs.mount.size()) {
        fs.mount = point;
        fs.type = type;
      }
    out.push_back(std::move(fs));
  }
  return out;
}

}  // namespace gotrace::engine
