// Stack capture and symbolization. See stack_capture.h.
#include "stack_capture.h"

#include <libunwind-ptrace.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <cstring>

namespace gotrace::stack {
namespace {

bool read_u64(int tid, uint64_t addr, uint64_t& v) {
  iovec local{&v, 8};
  iovec remote{reinterpret_cast<void*>(addr), 8};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0) == 8;
}

// The runtime's vDSO trampolines (runtime/sys_linux_amd64.s, Go 1.19 to 1.27): they save SP
// in R12, which C code preserves, and align SP for the call, so their SP delta counts from
// R12. vgetrandom1 is where Go >= 1.24 makes getrandom (from the vDSO); nanotime1 reaches the
// clock_gettime syscall when the vDSO falls back to it.
bool vdso_trampoline(const std::string& name) { return name == "runtime.vgetrandom1" || name == "runtime.nanotime1"; }

// The outermost frames of a goroutine or thread: nothing calls them.
bool go_stop_frame(const std::string& name) {
  return name == "runtime.goexit" || name == "runtime.mstart" || name == "runtime.rt0_go" ||
         name == "runtime.mstart0" || name == "runtime.systemstack";
}

void add_note(Stack& out, const std::string& note) {
  if (note.empty() || out.note.find(note) != std::string::npos) return;
  if (!out.note.empty()) out.note += "; ";
  out.note += note;
}

}  // namespace

StackCapture::StackCapture() {
  unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
  // Caching is keyed by address, not process: off, since processes differ in layout.
  if (as) unw_set_caching_policy(as, UNW_CACHE_NONE);
  addr_space_ = as;
}

StackCapture::~StackCapture() {
  if (addr_space_) unw_destroy_addr_space(static_cast<unw_addr_space_t>(addr_space_));
}

const Mapping* StackCapture::mapping_at(int pid, uint64_t pc) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto it = maps_.find(pid);
    if (it == maps_.end() || attempt == 1) it = maps_.insert_or_assign(pid, read_maps(pid)).first;
    for (const Mapping& m : it->second)
      if (pc >= m.start && pc < m.end) return &m;
  }
  return nullptr;  // not mapped even after a fresh read
}

const Module* StackCapture::go_module_at(int pid, uint64_t pc, const Mapping** mp) {
  const Mapping* m = mapping_at(pid, pc);
  if (mp) *mp = m;
  if (!m || !m->exec || m->path.empty() || m->path[0] != '/') return nullptr;
  const Module& mod = modules_.get(pid, *m);
  if (!mod.go) return nullptr;
  uint64_t link = pc - ModuleCache::bias(mod, *m);
  return link >= mod.go->text_start() && link < mod.go->text_end() ? &mod : nullptr;
}

void StackCapture::symbolize_plain(int pid, StackFrame& f) {
  if (const Mapping* m = mapping_at(pid, f.pc)) {
    f.module = m->path;
    f.rel = f.pc - m->start + m->offset;
  }
}

void StackCapture::go_walk(int pid, int tid, Regs r, Stack& out) {
  bool first = out.frames.empty();
  while (out.frames.size() < kMaxFrames) {
    const Mapping* m = nullptr;
    const Module* mod = go_module_at(pid, r.pc, &m);
    StackFrame f;
    f.pc = r.pc;
    symbolize_plain(pid, f);
    if (!mod) {
      if (m && m->exec && !m->path.empty() && m->path[0] == '/') {
        const Module& any = modules_.get(pid, *m);
        add_note(out, any.note);
      }
      if (r.pc != 0) out.frames.push_back(std::move(f));
      return;  // left Go code (cgo, or a bad return address): nothing more to trust
    }
    uint64_t bias = ModuleCache::bias(*mod, *m);
    // A return address points after the call: look up the call itself (as Go does).
    uint64_t look = r.pc - bias - (first ? 0 : 1);
    std::optional<GoFunc> fn = mod->go->func_at(look);
    if (!fn) {
      out.frames.push_back(std::move(f));
      return;
    }
    f.offset = r.pc - bias - fn->entry;
    uint64_t outer = look;
    for (GoInlined& in : mod->go->inlined_at(*fn, look, outer)) {  // same pc, one frame per call
      StackFrame inl = f;
      inl.function = std::move(in.name);
      inl.file = std::move(in.file);
      inl.line = in.line;
      out.frames.push_back(std::move(inl));
    }
    f.function = fn->name;
    f.file = mod->go->file_at(*fn, outer);
    f.line = mod->go->line_at(*fn, outer);
    out.frames.push_back(std::move(f));
    if (go_stop_frame(fn->name)) return;
    uint64_t ret = 0;
    if (std::optional<int32_t> delta = mod->go->sp_delta(*fn, look)) {
      // The trampoline's SP before its alignment is in R12; its frame pointer (pushed by
      // its prologue) lies a few bytes above. (libunwind's SP after a vDSO frame can be off.)
      bool realigned = vdso_trampoline(fn->name) && r.r12 != 0 && r.r12 < r.bp && r.bp - r.r12 < 256;
      uint64_t base = realigned ? r.r12 : r.sp;
      uint64_t slot = base + static_cast<uint64_t>(*delta);
      if (!read_u64(tid, slot, ret)) return;
      if (*delta >= 8) read_u64(tid, slot - 8, r.bp);  // Go saves the caller's BP below the return address
      r.sp = slot + 8;
    } else {
      // No SP table for this pc: Go on amd64 keeps RBP frame pointers.
      uint64_t saved_bp = 0;
      if (r.bp == 0 || !read_u64(tid, r.bp + 8, ret) || !read_u64(tid, r.bp, saved_bp)) return;
      r.sp = r.bp + 16;
      r.bp = saved_bp;
    }
    if (ret == 0) return;
    r.pc = ret;
    r.r12 = 0;  // only the frame entered from C had it
    first = false;
  }
}

bool StackCapture::libunwind_walk(int pid, int tid, Stack& out, Regs& go_start) {
  auto as = static_cast<unw_addr_space_t>(addr_space_);
  if (!as) return false;
  void* upt = _UPT_create(tid);
  if (!upt) return false;
  unw_cursor_t c;
  bool go = false;
  if (unw_init_remote(&c, as, upt) == 0) {
    do {
      unw_word_t ip = 0, sp = 0, bp = 0, r12 = 0;
      unw_get_reg(&c, UNW_REG_IP, &ip);
      unw_get_reg(&c, UNW_REG_SP, &sp);
      unw_get_reg(&c, UNW_X86_64_RBP, &bp);
      unw_get_reg(&c, UNW_X86_64_R12, &r12);
      if (ip == 0) break;
      if (go_module_at(pid, ip, nullptr)) {
        go_start = {ip, sp, bp, r12};
        go = true;
        break;
      }
      StackFrame f;
      f.pc = ip;
      symbolize_plain(pid, f);
      char name[512];
      unw_word_t off = 0;
      if (unw_get_proc_name(&c, name, sizeof name, &off) == 0) {
        f.function = name;
        f.offset = off;
      }
      out.frames.push_back(std::move(f));
    } while (out.frames.size() < kMaxFrames && unw_step(&c) > 0);
  } else {
    add_note(out, "libunwind could not start unwinding");
  }
  _UPT_destroy(upt);
  return go;
}

void StackCapture::capture(int pid, int tid, uint64_t call, Stack& out) {
  out.call = call;
  out.frames.clear();
  out.note.clear();
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) {
    out.note = std::string("registers unreadable: ") + std::strerror(errno);
    return;
  }
  Regs r{regs.rip, regs.rsp, regs.rbp};
  const Mapping* m = nullptr;
  if (go_module_at(pid, r.pc, &m)) {
    go_walk(pid, tid, r, out);
    return;
  }
  if (m && m->exec && !m->path.empty() && m->path[0] == '/') add_note(out, modules_.get(pid, *m).note);
  Regs go_start{};
  if (libunwind_walk(pid, tid, out, go_start)) {
    if (go_start.r12 == 0) go_start.r12 = regs.r12;  // libunwind did not say: C code leaves it as is
    go_walk(pid, tid, go_start, out);
  }
  if (out.frames.empty()) {
    StackFrame f;
    f.pc = r.pc;
    symbolize_plain(pid, f);
    out.frames.push_back(std::move(f));
    add_note(out, "no unwind information at the syscall's pc");
  }
}

}  // namespace gotrace::stack
