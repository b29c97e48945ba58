// Reading .gopclntab (see pclntab.h). Layout from Go's src/runtime/symtab.go and
// src/debug/gosym/pclntab.go (read, not copied):
//   header: u32 magic, u8 0, u8 0, u8 pc quantum, u8 pointer size, then pointer-sized
//     nfunc, nfiles, [textStart: 1.18+, written as 0 since 1.26], funcnameOffset, cuOffset,
//     filetabOffset, pctabOffset, pclnOffset (all offsets from the header).
//   function table at pclnOffset: nfunc+1 pairs (1.18+: u32 entryoff from textStart, u32
//     funcoff; 1.16: pointer-sized entry address, pointer-sized funcoff), funcoff from the
//     function table. _func: entry (1.18+ u32 entryoff; 1.16 pointer), i32 nameoff, i32 args,
//     u32 deferreturn, u32 pcsp, u32 pcfile, u32 pcln, u32 npcdata, u32 cuOffset,
//     [i32 startLine: 1.20+], u8 funcID, u8 flag, u8 pad, u8 nfuncdata (40 bytes; 44 in 1.20+),
//     then u32 pcdata[npcdata], u32 funcdata[nfuncdata]. Unchanged from 1.20 to 1.27.
//   pc-value tables: (zigzag value delta, pc delta * quantum) varint pairs from (entry, -1),
//     ended by a zero value delta.
#include "pclntab.h"

#include <cstring>

namespace gotrace::stack {
namespace {

constexpr uint32_t kMagic116 = 0xfffffffa;
constexpr uint32_t kMagic118 = 0xfffffff0;
constexpr uint32_t kMagic120 = 0xfffffff1;

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

uint64_t Pclntab::word(uint64_t off) const {
  if (!in(off, ptr_)) return 0;
  if (ptr_ == 4) return load32(p_ + off);
  uint64_t v;
  std::memcpy(&v, p_ + off, 8);
  return v;
}

uint32_t Pclntab::u32(uint64_t off) const { return in(off, 4) ? load32(p_ + off) : 0; }

std::string Pclntab::cstr(uint64_t off) const {
  if (off >= n_) return {};
  const char* s = reinterpret_cast<const char*>(p_ + off);
  return std::string(s, strnlen(s, std::min<std::size_t>(n_ - off, 4096)));
}

std::optional<Pclntab> Pclntab::parse(const uint8_t* p, std::size_t n, std::string& problem) {
  if (n < 8) {
    problem = "pclntab too short";
    return std::nullopt;
  }
  uint32_t magic = load32(p);
  Pclntab t;
  t.p_ = p;
  t.n_ = n;
  if (magic == kMagic116) {
    t.v116_ = true;
    t.version_ = "go1.16";
  } else if (magic == kMagic118) {
    t.version_ = "go1.18";
  } else if (magic == kMagic120) {
    t.version_ = "go1.20";
    t.go120_ = true;
  } else {
    char buf[80];
    std::snprintf(buf, sizeof buf, "unsupported pclntab version (magic %#x)", magic);
    problem = buf;
    return std::nullopt;
  }
  t.quantum_ = p[6];
  t.ptr_ = p[7];
  if (p[4] != 0 || p[5] != 0 || (t.quantum_ != 1 && t.quantum_ != 2 && t.quantum_ != 4) ||
      (t.ptr_ != 4 && t.ptr_ != 8)) {
    problem = "corrupt pclntab header";
    return std::nullopt;
  }
  uint64_t w = t.ptr_;
  t.nfunc_ = t.word(8);
  uint64_t at = 8 + 2 * w;
  if (!t.v116_) {
    t.text_start_ = t.word(at);
    at += w;
  }
  t.funcname_ = t.word(at);
  t.cu_ = t.word(at + w);
  t.filetab_ = t.word(at + 2 * w);
  t.pctab_ = t.word(at + 3 * w);
  t.functab_ = t.word(at + 4 * w);
  uint64_t pair = t.v116_ ? 2 * w : 8;
  if (!t.in(at, 5 * w) || t.nfunc_ == 0 || t.nfunc_ > n / pair || !t.in(t.functab_, (t.nfunc_ + 1) * pair) ||
      t.funcname_ >= n || t.cu_ >= n || t.filetab_ >= n || t.pctab_ >= n) {
    problem = "corrupt pclntab header (offsets outside the table)";
    return std::nullopt;
  }
  if (t.v116_) {
    t.text_start_ = t.entry_of(0);
    t.text_end_ = t.entry_of(t.nfunc_);
  } else {
    t.set_text_start(t.text_start_);  // 0 (Go 1.26+): unusable until the caller sets it
  }
  if (t.text_end_ < t.text_start_ || (t.v116_ && t.text_end_ == t.text_start_)) {
    problem = "corrupt pclntab (empty text range)";
    return std::nullopt;
  }
  return t;
}

void Pclntab::set_text_start(uint64_t start) {
  if (v116_) return;
  text_start_ = start;
  text_end_ = start == 0 ? 0 : start + u32(functab_ + nfunc_ * 8);
}

std::string Pclntab::name_at(uint64_t i) const {
  uint64_t off = funcoff_of(i);
  uint64_t fixed = v116_ ? ptr_ : 4;
  if (i >= nfunc_ || !in(functab_ + off, fixed + 4)) return {};
  return cstr(funcname_ + u32(functab_ + off + fixed));
}

bool Pclntab::well_formed() const {
  uint64_t fixed = v116_ ? ptr_ : 4;
  uint64_t prev = 0;
  for (uint64_t i = 0; i <= nfunc_; ++i) {
    uint64_t entry = v116_ ? word(functab_ + i * 2 * ptr_) : u32(functab_ + i * 8);
    if (entry < prev) return false;
    prev = entry;
    if (i == nfunc_) break;
    uint64_t off = funcoff_of(i);
    if (off > 0xffffffffu || !in(functab_ + off, v116_ ? fixed + 9 * 4 : func_size())) return false;
    if (u32(functab_ + off + fixed) >= n_ - funcname_) return false;
  }
  return true;
}

std::optional<std::size_t> Pclntab::find(const uint8_t* p, std::size_t n) {
  for (uint32_t magic : {kMagic118, kMagic120, kMagic116}) {
    uint8_t pattern[8];
    std::memcpy(pattern, &magic, 4);
    pattern[4] = pattern[5] = 0;
    pattern[6] = 1;  // pc quantum on amd64
    pattern[7] = 8;  // pointer size
    const uint8_t* at = p;
    while (true) {
      at = static_cast<const uint8_t*>(memmem(at, static_cast<std::size_t>(p + n - at), pattern, 8));
      if (!at) break;
      std::size_t off = static_cast<std::size_t>(at - p);
      std::string problem;
      if (off % 8 == 0 && parse(at, n - off, problem)) return off;
      ++at;
    }
  }
  return std::nullopt;
}

uint64_t Pclntab::entry_of(uint64_t i) const {
  if (v116_) return word(functab_ + i * 2 * ptr_);
  return text_start_ + u32(functab_ + i * 8);
}

uint64_t Pclntab::funcoff_of(uint64_t i) const {
  if (v116_) return word(functab_ + i * 2 * ptr_ + ptr_);
  return u32(functab_ + i * 8 + 4);
}

std::optional<GoFunc> Pclntab::func_at(uint64_t pc) const {
  if (pc < text_start_ || pc >= text_end_) return std::nullopt;
  uint64_t lo = 0, hi = nfunc_;  // find the last i with entry_of(i) <= pc
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (entry_of(mid) <= pc) lo = mid; else hi = mid;
  }
  GoFunc f;
  f.entry = entry_of(lo);
  if (pc < f.entry) return std::nullopt;
  uint64_t off = funcoff_of(lo);
  uint64_t fixed = v116_ ? ptr_ : 4;  // the entry field
  if (off > 0xffffffffu || !in(functab_ + off, fixed + 9 * 4)) return std::nullopt;
  f.func_off = static_cast<uint32_t>(off);
  uint32_t nameoff = u32(functab_ + off + fixed);
  f.name = cstr(funcname_ + nameoff);
  return f;
}

// Fields after entry and nameoff: 0 args, 1 deferreturn, 2 pcsp, 3 pcfile, 4 pcln,
// 5 npcdata, 6 cuOffset.
uint32_t Pclntab::func_field(const GoFunc& f, int index) const {
  uint64_t fixed = v116_ ? ptr_ : 4;
  return u32(functab_ + f.func_off + fixed + 4 + 4 * static_cast<uint64_t>(index));
}

std::optional<int32_t> Pclntab::pcvalue(uint32_t table_off, uint64_t entry, uint64_t pc) const {
  if (table_off == 0) return std::nullopt;
  uint64_t off = pctab_ + table_off;
  auto varint = [&](uint32_t& v) {
    v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (off >= n_) return false;
      uint8_t b = p_[off++];
      v |= static_cast<uint32_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  int32_t val = -1;
  uint64_t cur = entry;
  for (int step = 0; step < 1'000'000; ++step) {
    uint32_t uvdelta = 0, pcdelta = 0;
    if (!varint(uvdelta)) return std::nullopt;
    if (uvdelta == 0 && step > 0) return std::nullopt;  // end of table: pc not covered
    int32_t vdelta = (uvdelta & 1) ? static_cast<int32_t>(~(uvdelta >> 1)) : static_cast<int32_t>(uvdelta >> 1);
    if (!varint(pcdelta)) return std::nullopt;
    val += vdelta;
    cur += static_cast<uint64_t>(pcdelta) * quantum_;
    if (pc < cur) return val;
  }
  return std::nullopt;
}

std::string Pclntab::file_at(const GoFunc& f, uint64_t pc) const {
  std::optional<int32_t> fileno = pcvalue(func_field(f, 3), f.entry, pc);
  if (!fileno || *fileno < 0) return {};
  uint32_t cu = func_field(f, 6);
  uint32_t name_off = u32(cu_ + 4 * (static_cast<uint64_t>(cu) + static_cast<uint64_t>(*fileno)));
  if (name_off == 0xffffffffu) return {};
  return cstr(filetab_ + name_off);
}

int32_t Pclntab::line_at(const GoFunc& f, uint64_t pc) const {
  std::optional<int32_t> line = pcvalue(func_field(f, 4), f.entry, pc);
  return line && *line > 0 ? *line : 0;
}

std::optional<int32_t> Pclntab::sp_delta(const GoFunc& f, uint64_t pc) const {
  std::optional<int32_t> d = pcvalue(func_field(f, 2), f.entry, pc);
  if (!d || *d < 0 || *d > (1 << 24)) return std::nullopt;
  return d;
}

// Go 1.18+: after the fixed _func come u32 pcdata[npcdata], then u32 funcdata[nfuncdata]
// (offsets from gofunc; ~0 = none). PCDATA 2 is the inline tree index at a pc, FUNCDATA 3 the
// inline tree. Its entries: 1.18/1.19 20 bytes {i16 parent, u8 funcID, u8, i32 file,
// i32 line, i32 nameoff, i32 parentPc}; 1.20+ 16 bytes {u8 funcID, u8[3], i32 nameoff,
// i32 parentPc, i32 startLine}. Go 1.19 to 1.27 runtime/symtab.go and symtabinl.go.
namespace {
struct InlineLayout {
  uint64_t size, nameoff, parent_pc;
};
constexpr InlineLayout kInline118{20, 12, 16}, kInline120{16, 4, 8};
}  // namespace

bool Pclntab::inline_tables(uint64_t func_off, uint32_t& tree, uint32_t& index_table) const {
  if (v116_) return false;
  uint64_t base = functab_ + func_off;
  if (!in(base, func_size())) return false;
  uint32_t npcdata = u32(base + 4 + 4 + 4 * 5);
  uint8_t nfuncdata = p_[base + func_size() - 1];
  if (npcdata <= 2 || npcdata > 1024 || nfuncdata <= 3) return false;
  index_table = u32(base + func_size() + 4 * 2);
  tree = u32(base + func_size() + 4 * uint64_t{npcdata} + 4 * 3);
  return index_table != 0 && tree != 0xffffffffu;
}

bool Pclntab::inline_trees_plausible(const uint8_t* gofunc, std::size_t n) const {
  const InlineLayout& l = go120_ ? kInline120 : kInline118;
  int good = 0;
  uint64_t step = nfunc_ / 400 + 1;
  for (uint64_t i = 0; i < nfunc_ && good < 20; i += step) {
    uint32_t tree = 0, index_table = 0;
    if (!inline_tables(funcoff_of(i), tree, index_table)) continue;
    if (tree > n || n - tree < l.size) return false;
    int32_t nameoff, parent_pc;
    std::memcpy(&nameoff, gofunc + tree + l.nameoff, 4);
    std::memcpy(&parent_pc, gofunc + tree + l.parent_pc, 4);
    uint64_t name = funcname_ + static_cast<uint64_t>(nameoff);
    uint64_t size = entry_of(i + 1) - entry_of(i);
    if (nameoff < 0 || name >= n_ || (nameoff > 0 && p_[name - 1] != 0) || p_[name] == 0 || parent_pc < 0 ||
        static_cast<uint64_t>(parent_pc) >= size)
      return false;
    ++good;
  }
  return good > 0;
}

std::vector<GoInlined> Pclntab::inlined_at(const GoFunc& f, uint64_t pc, uint64_t& outer_pc) const {
  std::vector<GoInlined> out;
  outer_pc = pc;
  if (!gofunc_) return out;
  const InlineLayout& l = go120_ ? kInline120 : kInline118;
  uint32_t tree = 0, index_table = 0;
  if (!inline_tables(f.func_off, tree, index_table)) return out;
  uint64_t cur = pc;
  for (int depth = 0; depth < 64; ++depth) {
    std::optional<int32_t> ix = pcvalue(index_table, f.entry, cur);
    if (!ix || *ix < 0) break;
    uint64_t at = uint64_t{tree} + l.size * static_cast<uint64_t>(*ix);
    if (at > gofunc_n_ || gofunc_n_ - at < l.size) break;
    int32_t nameoff, parent_pc;
    std::memcpy(&nameoff, gofunc_ + at + l.nameoff, 4);
    std::memcpy(&parent_pc, gofunc_ + at + l.parent_pc, 4);
    if (nameoff < 0 || parent_pc < 0) break;
    out.push_back({cstr(funcname_ + static_cast<uint64_t>(nameoff)), file_at(f, cur), line_at(f, cur)});
    cur = f.entry + static_cast<uint64_t>(parent_pc);
  }
  outer_pc = cur;
  return out;
}

}  // namespace gotrace::stack
