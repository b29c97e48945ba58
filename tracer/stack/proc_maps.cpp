// /proc/PID/maps and the per-binary cache. See proc_maps.h.
#include "proc_maps.h"

#include "go_binary.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace gotrace::stack {

std::vector<Mapping> read_maps(int pid) {
  std::vector<Mapping> out;
  char name[64];
  std::snprintf(name, sizeof name, "/proc/%d/maps", pid);
  FILE* f = std::fopen(name, "re");
  if (!f) return out;
  char line[4096 + 256];
  while (std::fgets(line, sizeof line, f)) {
    Mapping m;
    char perms[8] = {}, dev[32] = {};
    int path_at = 0;
    if (std::sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %31s %" SCNu64 " %n", &m.start, &m.end, perms,
                    &m.offset, dev, &m.inode, &path_at) < 6)
      continue;
    m.exec = perms[2] == 'x';
    m.dev = dev;
    if (path_at > 0) {
      m.path = line + path_at;
      while (!m.path.empty() && (m.path.back() == '\n' || m.path.back() == ' ')) m.path.pop_back();
    }
    out.push_back(std::move(m));
  }
  std::fclose(f);
  return out;
}


const Module& ModuleCache::get(int pid, const Mapping& m) {
  auto key = m.inode ? std::make_pair(m.dev, m.inode) : std::make_pair(m.path, uint64_t{0});
  auto it = modules_.find(key);
  if (it != modules_.end()) return it->second;
  Module& mod = modules_[key];
  char path[128];
  std::snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, m.start, m.end);
  mod.elf = std::make_unique<ElfImage>(path);
  if (!mod.elf->ok()) mod.elf = std::make_unique<ElfImage>(m.path);  // map_files needs CAP_SYS_ADMIN
  if (!mod.elf->ok()) return mod;
  mod.go = load_go_table(*mod.elf, mod.note);
  return mod;
}

uint64_t ModuleCache::bias(const Module& mod, const Mapping& m) {
  if (!mod.elf || !mod.elf->ok()) return 0;
  constexpr uint64_t kPage = 4096;  // segments map from page-aligned file offsets
  for (const ElfSegment& s : mod.elf->segments()) {
    uint64_t off = s.offset & ~(kPage - 1), vaddr = s.vaddr & ~(kPage - 1);
    if (m.offset >= off && m.offset < s.offset + std::max<uint64_t>(s.filesz, 1))
      return m.start - (vaddr + (m.offset - off));
  }
  return 0;
}

}  // namespace gotrace::stack
