// /proc/PID/maps and the per-binary cache. See proc_maps.h.
#include "proc_maps.h"

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

namespace {

// Finds Go's runtime.moduledata in the file's data (its first word points at the pclntab,
// the funcnametab and ftab slices into it) and hands the table the bytes at its gofunc
// address, where inline trees live. Go 1.18/1.19 layout, non-PIE files (a PIE file holds
// zeros there until relocated): otherwise inlined calls are simply not expanded.
void locate_gofunc(const ElfImage& elf, uint64_t table_off, Pclntab& t) {
  if (!t.go118_layout() || t.ptr_size() != 8) return;
  auto vaddr_of = [&](uint64_t off) -> std::optional<uint64_t> {
    for (const ElfSegment& s : elf.segments())
      if (off >= s.offset && off < s.offset + s.filesz) return s.vaddr + (off - s.offset);
    return std::nullopt;
  };
  auto off_of = [&](uint64_t vaddr, uint64_t& left) -> std::optional<uint64_t> {
    for (const ElfSegment& s : elf.segments())
      if (vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) {
        left = s.filesz - (vaddr - s.vaddr);
        return s.offset + (vaddr - s.vaddr);
      }
    return std::nullopt;
  };
  std::optional<uint64_t> table = vaddr_of(table_off);
  if (!table) return;
  constexpr uint64_t kFuncnametab = 8, kFtab = 128, kGofunc = 304, kSize = 312;  // runtime/symtab.go
  auto word = [&](uint64_t off) {
    uint64_t v;
    std::memcpy(&v, elf.data() + off, 8);
    return v;
  };
  for (const ElfSegment& s : elf.segments()) {
    if (s.exec || s.offset > elf.size() || s.filesz > elf.size() - s.offset) continue;
    for (uint64_t off = (s.offset + 7) & ~7ull; off + kSize <= s.offset + s.filesz; off += 8) {
      if (word(off) != *table || word(off + kFuncnametab) != *table + t.funcname_offset() ||
          word(off + kFtab) != *table + t.functab_offset())
        continue;
      uint64_t left = 0;
      if (std::optional<uint64_t> at = off_of(word(off + kGofunc), left)) t.set_gofunc(elf.data() + *at, left);
      return;
    }
  }
}

}  // namespace

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
  const uint8_t* base = mod.elf->data();
  std::size_t size = mod.elf->size();
  std::optional<std::size_t> at;
  std::size_t len = 0;
  if (auto sec = mod.elf->section(".gopclntab"); sec && sec->size > 0) {
    at = sec->offset;
    len = sec->size;
  } else if (mod.elf->sections().empty() || mod.elf->section(".go.buildinfo") || mod.elf->section(".note.go.buildid")) {
    // No section headers (or a Go binary whose table was renamed): look for the table itself.
    at = Pclntab::find(base, size);
    if (at) len = size - *at;
  }
  if (!at) return mod;
  std::string problem;
  mod.go = Pclntab::parse(base + *at, len, problem);
  if (!mod.go) mod.note = problem;
  else locate_gofunc(*mod.elf, *at, *mod.go);
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
