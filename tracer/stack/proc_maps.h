// A process's file mappings from /proc/PID/maps, and the binaries behind them, parsed once
// per file (keyed by device and inode) with their .gopclntab when they have one.
// Layer: tracer/stack (live only).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "elf_image.h"
#include "pclntab.h"

namespace gotrace::stack {

struct Mapping {
  uint64_t start = 0, end = 0, offset = 0;
  bool exec = false;
  uint64_t inode = 0;
  std::string dev;
  std::string path;  // empty for anonymous memory; "[vdso]", "[stack]" for the kernel's
};

// Parses /proc/PID/maps. Empty when the process is gone.
std::vector<Mapping> read_maps(int pid);

// One mapped binary: its ELF image and, for a Go binary, its pclntab.
struct Module {
  std::unique_ptr<ElfImage> elf;
  std::optional<Pclntab> go;
  std::string note;  // why a Go binary's functions cannot be named ("" when fine or not Go)
};

class ModuleCache {
 public:
  // The module behind mapping `m` of process `pid` (read through /proc/PID/map_files so a
  // deleted or replaced file still opens). Parsed the first time only.
  const Module& get(int pid, const Mapping& m);
  // Load bias of `m`'s module in the process: runtime address - link-time address.
  static uint64_t bias(const Module& mod, const Mapping& m);

 private:
  std::map<std::pair<std::string, uint64_t>, Module> modules_;  // (dev, inode) or (path, 0)
};

}  // namespace gotrace::stack
