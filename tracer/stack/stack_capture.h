// Captures a stopped tracee thread's user-space call stack and names its frames: libunwind's
// ptrace unwinder (DWARF .eh_frame) for C/C++ code, Go's own tables for Go code (.gopclntab:
// names, file:line, and the SP delta at each pc, which is how Go's runtime unwinds; frame
// pointers when a pc has no delta). A frame in Go text found by libunwind switches to the Go
// walk, since Go code has no .eh_frame. Binaries are parsed once (ModuleCache).
// Layer: tracer/stack, linked by the live source only (consumers see recorded Stack events).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "gotrace/event.h"
#include "proc_maps.h"

namespace gotrace::stack {

class StackCapture {
 public:
  StackCapture();
  ~StackCapture();
  StackCapture(const StackCapture&) = delete;
  StackCapture& operator=(const StackCapture&) = delete;

  // Precondition: `tid` (of process `pid`) is in a ptrace-stop. Never resumes it. Frames the
  // unwinders cannot name keep their address; `out.note` says why when something is missing.
  void capture(int pid, int tid, uint64_t call, Stack& out);
  // The process exec'd or ended: its mappings are stale.
  void forget(int pid) { maps_.erase(pid); }

  static constexpr std::size_t kMaxFrames = 64;

 private:
  struct Regs {
    uint64_t pc, sp, bp;
    // R12 where Go code was entered from C or the vDSO (0 otherwise): the runtime's vDSO
    // trampolines keep their frame's SP there while the stack is realigned for C.
    uint64_t r12 = 0;
  };
  const Mapping* mapping_at(int pid, uint64_t pc);
  // The Go module containing pc (nullptr when pc is not in Go text).
  const Module* go_module_at(int pid, uint64_t pc, const Mapping** m);
  void symbolize_plain(int pid, StackFrame& f);
  void go_walk(int pid, int tid, Regs r, Stack& out);
  bool libunwind_walk(int pid, int tid, Stack& out, Regs& go_start);

  ModuleCache modules_;
  std::unordered_map<int, std::vector<Mapping>> maps_;
  void* addr_space_ = nullptr;  // unw_addr_space_t
};

}  // namespace gotrace::stack
