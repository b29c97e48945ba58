// Go's own symbol table, .gopclntab, kept even in binaries stripped with -ldflags=-s -w:
// function names, source file and line, and the stack-pointer delta at every pc (what Go's
// runtime unwinds with). Layouts read: Go 1.16/1.17 (magic 0xfffffffa) and Go 1.18+ (magic
// 0xfffffff0; 0xfffffff1 from Go 1.20 has the same fields this reader uses). Any other magic
// is refused with "unsupported pclntab version". Bounds-checked throughout: a truncated or
// garbage table gives no names, never a crash.
// Layer: tracer/stack (live only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gotrace::stack {

struct GoFunc {
  std::string name;
  uint64_t entry = 0;  // link-time address of the function's first instruction
  uint32_t func_off = 0;  // the _func record, relative to the function table
};

// A function call the compiler inlined: its name, and the source line the pc is at inside it.
struct GoInlined {
  std::string name, file;
  int32_t line = 0;
};

class Pclntab {
 public:
  // Parses the table at [p, p + n), which must stay valid for the Pclntab's life.
  // Returns nothing and sets `problem` when the header is unusable.
  static std::optional<Pclntab> parse(const uint8_t* p, std::size_t n, std::string& problem);

  // Scans an image whose section headers are gone for a plausible table header (magic,
  // pc quantum, pointer size, offsets inside the image). Returns its offset.
  static std::optional<std::size_t> find(const uint8_t* p, std::size_t n);

  // The function containing link-time address `pc`, if any.
  std::optional<GoFunc> func_at(uint64_t pc) const;
  // Source file and line of `pc` in `f` (empty / 0 when the table does not say).
  std::string file_at(const GoFunc& f, uint64_t pc) const;
  int32_t line_at(const GoFunc& f, uint64_t pc) const;
  // Bytes between SP and the return address at `pc` (pcsp table), if known.
  std::optional<int32_t> sp_delta(const GoFunc& f, uint64_t pc) const;

  // Functions inlined at `pc` in `f`, innermost first (Go 1.18/1.19 layout only; empty when
  // none or unknown). `outer_pc` gets the pc whose file:line is f's own call site.
  std::vector<GoInlined> inlined_at(const GoFunc& f, uint64_t pc, uint64_t& outer_pc) const;
  // The bytes at moduledata.gofunc (funcdata such as inline trees are offsets from it), up to
  // the end of its segment in the file. Without it, inlined calls are not expanded.
  void set_gofunc(const uint8_t* p, std::size_t n) {
    gofunc_ = p;
    gofunc_n_ = n;
  }
  // Offsets in the table of fields moduledata points to (to recognize moduledata).
  uint64_t funcname_offset() const { return funcname_; }
  uint64_t functab_offset() const { return functab_; }
  uint32_t ptr_size() const { return ptr_; }
  bool go118_layout() const { return !v116_ && std::string_view(version_) == "go1.18"; }

  uint64_t text_start() const { return text_start_; }
  uint64_t text_end() const { return text_end_; }
  const char* version() const { return version_; }

 private:
  Pclntab() = default;
  bool in(uint64_t off, uint64_t len) const { return off <= n_ && len <= n_ - off; }
  uint64_t word(uint64_t off) const;
  uint32_t u32(uint64_t off) const;
  std::string cstr(uint64_t off) const;
  uint64_t entry_of(uint64_t i) const;     // functab entry i's address
  uint64_t funcoff_of(uint64_t i) const;   // functab entry i's _func offset
  uint32_t func_field(const GoFunc& f, int index) const;  // _func's u32 field after entry/name
  // Go's pcvalue: the value of the table at `table_off` for `pc`, starting at the entry.
  std::optional<int32_t> pcvalue(uint32_t table_off, uint64_t entry, uint64_t pc) const;

  const uint8_t* p_ = nullptr;
  std::size_t n_ = 0;
  bool v116_ = false;
  uint32_t quantum_ = 1;
  uint32_t ptr_ = 8;
  uint64_t nfunc_ = 0;
  uint64_t text_start_ = 0, text_end_ = 0;
  uint64_t funcname_ = 0, cu_ = 0, filetab_ = 0, pctab_ = 0, functab_ = 0;
  const char* version_ = "";
  const uint8_t* gofunc_ = nullptr;
  std::size_t gofunc_n_ = 0;
};

}  // namespace gotrace::stack
