// Finding and vouching for a Go binary's symbol table. See go_binary.h.
#include "go_binary.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace gotrace::stack {
namespace {

// runtime.moduledata (runtime/symtab.go), pointer size 8. The fields up to text are the same
// from Go 1.18 to 1.27; gofunc moved: 304 in 1.18/1.19, 320 in 1.20 to 1.26 (covctrs and
// ecovctrs came before it), 344 in 1.27 (typedesclen, itaboffset, itabsize).
constexpr uint64_t kFuncnametab = 8, kFtab = 128, kText = 176;
constexpr uint64_t kGofunc118[] = {304};
constexpr uint64_t kGofunc120[] = {320, 344};
constexpr uint64_t kModuledataMin = 352;  // bytes that must be readable to try every gofunc slot

// Link-time addresses and file offsets of one ELF image.
class Layout {
 public:
  explicit Layout(const ElfImage& elf) : elf_(elf) {}
  std::optional<uint64_t> vaddr_of(uint64_t off) const {
    for (const ElfSegment& s : elf_.segments())
      if (off >= s.offset && off < s.offset + s.filesz) return s.vaddr + (off - s.offset);
    return std::nullopt;
  }
  // The file offset of `vaddr` and how many bytes of its segment follow it in the file.
  std::optional<uint64_t> offset_of(uint64_t vaddr, uint64_t& left) const {
    for (const ElfSegment& s : elf_.segments())
      if (vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz && s.offset <= elf_.size() &&
          s.filesz <= elf_.size() - s.offset) {
        left = s.filesz - (vaddr - s.vaddr);
        return s.offset + (vaddr - s.vaddr);
      }
    return std::nullopt;
  }
  bool in_exec_segment(uint64_t start, uint64_t end) const {
    for (const ElfSegment& s : elf_.segments())
      if (s.exec && start >= s.vaddr && end <= s.vaddr + s.memsz && start < end) return true;
    return false;
  }
  uint64_t word(uint64_t off) const {
    uint64_t v = 0;
    if (off <= elf_.size() && elf_.size() - off >= 8) std::memcpy(&v, elf_.data() + off, 8);
    return v;
  }

 private:
  const ElfImage& elf_;
};

// The file offset of the .gopclntab and its length, by section or by scanning.
std::optional<std::pair<uint64_t, uint64_t>> find_table(const ElfImage& elf) {
  if (auto sec = elf.section(".gopclntab"); sec && sec->size > 0 && sec->offset <= elf.size() &&
                                            sec->size <= elf.size() - sec->offset)
    return std::make_pair(sec->offset, sec->size);
  if (elf.sections().empty() || elf.section(".go.buildinfo") || elf.section(".note.go.buildid")) {
    // No section headers (or a Go binary whose table was renamed): look for the table itself.
    if (std::optional<std::size_t> at = Pclntab::find(elf.data(), elf.size()))
      return std::make_pair(uint64_t{*at}, uint64_t{elf.size() - *at});
  }
  return std::nullopt;
}

// The file offset of the moduledata that points at the table at link-time address `table`
// (its first word), its funcnametab and its ftab. Nothing in a PIE file (pointers there are
// zero until relocated).
std::optional<uint64_t> find_moduledata(const ElfImage& elf, const Layout& at, uint64_t table, const Pclntab& t) {
  if (t.ptr_size() != 8) return std::nullopt;
  for (const ElfSegment& s : elf.segments()) {
    if (s.exec || s.offset > elf.size() || s.filesz > elf.size() - s.offset) continue;
    for (uint64_t off = (s.offset + 7) & ~7ull; off + kModuledataMin <= s.offset + s.filesz; off += 8)
      if (at.word(off) == table && at.word(off + kFuncnametab) == table + t.funcname_offset() &&
          at.word(off + kFtab) == table + t.functab_offset())
        return off;
  }
  return std::nullopt;
}

// Why the table at this text start cannot be trusted, or "" when it holds.
std::string check_table(const Pclntab& t, const Layout& at, const ElfImage& elf) {
  if (t.text_start() == 0) return "its text start is unknown";
  if (!at.in_exec_segment(t.text_start(), t.text_end())) return "its functions are not in the executable code";
  if (!t.well_formed()) return "its function table is out of order";
  // goexit1 may be there twice: the function and its ABI0 wrapper (which goexit calls).
  std::optional<uint64_t> goexit, main;
  std::vector<uint64_t> goexit1;
  for (uint64_t i = 0; i < t.nfunc(); ++i) {
    std::string name = t.name_at(i);
    if (name == "runtime.goexit") goexit = t.entry_at(i);
    else if (name == "runtime.goexit1") goexit1.push_back(t.entry_at(i));
    else if (name == "runtime.main") main = t.entry_at(i);
  }
  if (!goexit || goexit1.empty() || !main) return "runtime.main or runtime.goexit is missing";
  for (uint64_t pc : {*goexit, goexit1.front(), *main}) {
    std::optional<GoFunc> f = t.func_at(pc);
    if (!f || f->entry != pc) return "a function does not resolve to itself";
  }
  // runtime.goexit: BYTE $0x90; CALL runtime.goexit1 (e8 rel32), on amd64.
  uint64_t left = 0;
  std::optional<uint64_t> off = at.offset_of(*goexit, left);
  if (!off || left < 6) return "runtime.goexit is not in the file";
  const uint8_t* code = elf.data() + *off;
  int32_t rel;
  std::memcpy(&rel, code + 2, 4);
  uint64_t target = *goexit + 6 + static_cast<uint64_t>(static_cast<int64_t>(rel));
  if (code[0] != 0x90 || code[1] != 0xe8 || std::find(goexit1.begin(), goexit1.end(), target) == goexit1.end())
    return "runtime.goexit's code does not call runtime.goexit1 where the table says";
  return "";
}

// Hands the table moduledata's gofunc bytes (inline trees), trying the slot of each Go
// layout in turn and keeping the one whose inline trees make sense.
void set_gofunc(Pclntab& t, const Layout& at, const ElfImage& elf, uint64_t moduledata) {
  auto try_slots = [&](const auto& slots) {
    for (uint64_t slot : slots) {
      uint64_t left = 0;
      std::optional<uint64_t> off = at.offset_of(at.word(moduledata + slot), left);
      if (off && t.inline_trees_plausible(elf.data() + *off, left)) {
        t.set_gofunc(elf.data() + *off, left);
        return;
      }
    }
  };
  if (std::string_view(t.version()) == "go1.18") try_slots(kGofunc118);
  else try_slots(kGofunc120);
}

}  // namespace

std::optional<Pclntab> load_go_table(const ElfImage& elf, std::string& note) {
  note.clear();
  std::optional<std::pair<uint64_t, uint64_t>> where = find_table(elf);
  if (!where) return std::nullopt;
  std::optional<Pclntab> t = Pclntab::parse(elf.data() + where->first, where->second, note);
  if (!t) return std::nullopt;
  Layout at(elf);
  std::optional<uint64_t> table = at.vaddr_of(where->first);
  std::optional<uint64_t> moduledata = table ? find_moduledata(elf, at, *table, *t) : std::nullopt;
  std::string problem = "its text start is unknown";
  if (t->relative_entries()) {
    // Candidates for the text start, most direct first: moduledata.text, the header's word
    // (Go 1.18 to 1.25), the .text section.
    std::vector<uint64_t> starts;
    if (moduledata) starts.push_back(at.word(*moduledata + kText));
    starts.push_back(t->text_start());
    if (auto sec = elf.section(".text")) starts.push_back(sec->addr);
    for (uint64_t start : starts) {
      if (start == 0) continue;
      t->set_text_start(start);
      problem = check_table(*t, at, elf);
      if (problem.empty()) break;
    }
  } else {
    problem = check_table(*t, at, elf);
  }
  if (!problem.empty()) {
    note = "Go symbol table (" + std::string(t->version()) + " layout) not used: " + problem;
    return std::nullopt;
  }
  if (moduledata && t->relative_entries()) set_gofunc(*t, at, elf, *moduledata);
  return t;
}

}  // namespace gotrace::stack
