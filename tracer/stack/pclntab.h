// Go's own symbol table, .gopclntab, kept even in binaries stripped with -ldflags=-s -w:
// function names, source file and line, and the stack-pointer delta at every pc (what Go's
// runtime unwinds with). Layouts read: Go 1.16/1.17 (magic 0xfffffffa), Go 1.18/1.19
// (0xfffffff0) and Go 1.20 to 1.27 (0xfffffff1: _func gains startLine, inline tree entries
// shrink to 16 bytes). Any other magic is refused with "unsupported pclntab version".
// Since Go 1.26 the header no longer holds the text start (the word is 0): the caller sets it
// from moduledata or the .text section (go_binary.h), and vouches for the table before use.
// Bounds-checked throughout: a truncated or garbage table gives no names, never a crash.
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

  // Functions inlined at `pc` in `f`, innermost first (Go 1.18+ layouts; empty when none or
  // unknown). `outer_pc` gets the pc whose file:line is f's own call site.
  std::vector<GoInlined> inlined_at(const GoFunc& f, uint64_t pc, uint64_t& outer_pc) const;
  // The bytes at moduledata.gofunc (funcdata such as inline trees are offsets from it), up to
  // the end of its segment in the file. Without it, inlined calls are not expanded.
  void set_gofunc(const uint8_t* p, std::size_t n) {
    gofunc_ = p;
    gofunc_n_ = n;
  }
  bool has_gofunc() const { return gofunc_ != nullptr; }
  // Offsets in the table of fields moduledata points to (to recognize moduledata).
  uint64_t funcname_offset() const { return funcname_; }
  uint64_t functab_offset() const { return functab_; }
  uint32_t ptr_size() const { return ptr_; }
  // Go 1.18+: function entries are offsets from a text start (an inline tree in funcdata).
  bool relative_entries() const { return !v116_; }
  // Whether an inline tree read from `gofunc` (moduledata.gofunc's bytes) is plausible: the
  // first entry of a sample of functions' trees names a function of this table and points
  // back inside the function. How the caller tells which moduledata word is gofunc.
  bool inline_trees_plausible(const uint8_t* gofunc, std::size_t n) const;

  // The link-time address function entries count from (Go 1.18+). parse() takes the
  // header's; Go 1.26+ writes 0 there, leaving text_start() 0 until this is called.
  void set_text_start(uint64_t start);
  // Functions by index, in address order (i < nfunc()).
  uint64_t nfunc() const { return nfunc_; }
  uint64_t entry_at(uint64_t i) const { return entry_of(i); }
  std::string name_at(uint64_t i) const;
  // Whether the function table is well formed: entries in order, records and names inside
  // the table. O(nfunc); done once per binary.
  bool well_formed() const;

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
  uint64_t func_size() const { return go120_ ? 44 : 40; }  // fixed part of _func (1.18+)
  // Go 1.18+: the inline tree of the function at _func offset `func_off` (an offset from
  // gofunc) and its PCDATA index table, when it has both.
  bool inline_tables(uint64_t func_off, uint32_t& tree, uint32_t& index_table) const;
  // Go's pcvalue: the value of the table at `table_off` for `pc`, starting at the entry.
  std::optional<int32_t> pcvalue(uint32_t table_off, uint64_t entry, uint64_t pc) const;

  const uint8_t* p_ = nullptr;
  std::size_t n_ = 0;
  bool v116_ = false;
  bool go120_ = false;
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
