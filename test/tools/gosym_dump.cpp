// gosym_dump BINARY [PC...]: what gotrace's Go symbol table reader makes of a binary, for
// the e2e oracle test (test/e2e/stacks_oracle.sh), which asks `go tool addr2line` of the
// same toolchain the same questions.
//   first line: "table LAYOUT text START-END funcs N inline yes|no", or "note: WHY" (exit 1)
//   then, per PC (hex, from the arguments, or "sample:N" for N pcs spread over the text; or
//   "entry:NAME": "entry NAME ADDR" for each function of that name):
//     "PC<tab>FUNCTION<tab>FILE:LINE" as addr2line gives them (the function containing PC, the
//     innermost file:line), then one line "  inlined NAME FILE:LINE" per inlined call at PC.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "go_binary.h"

using namespace gotrace::stack;

namespace {

void show(const Pclntab& t, uint64_t pc) {
  std::optional<GoFunc> f = t.func_at(pc);
  if (!f) {
    std::printf("%#" PRIx64 "\t?\t?:0\n", pc);
    return;
  }
  std::string file = t.file_at(*f, pc);
  std::printf("%#" PRIx64 "\t%s\t%s:%d\n", pc, f->name.c_str(), file.empty() ? "?" : file.c_str(), t.line_at(*f, pc));
  uint64_t outer = pc;
  for (const GoInlined& in : t.inlined_at(*f, pc, outer))
    std::printf("  inlined %s %s:%d\n", in.name.c_str(), in.file.c_str(), in.line);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gosym_dump BINARY [PC...|sample:N]\n");
    return 2;
  }
  ElfImage elf(argv[1]);
  if (!elf.ok()) {
    std::printf("note: %s\n", elf.problem().c_str());
    return 1;
  }
  std::string note;
  std::optional<Pclntab> t = load_go_table(elf, note);
  if (!t) {
    std::printf("note: %s\n", note.empty() ? "not a Go binary" : note.c_str());
    return 1;
  }
  std::printf("table %s text %#" PRIx64 "-%#" PRIx64 " funcs %" PRIu64 " inline %s\n", t->version(), t->text_start(),
              t->text_end(), t->nfunc(), t->has_gofunc() ? "yes" : "no");
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("entry:", 0) == 0) {
      for (uint64_t k = 0; k < t->nfunc(); ++k)
        if (t->name_at(k) == a.substr(6)) std::printf("entry\t%s\t%#" PRIx64 "\n", a.c_str() + 6, t->entry_at(k));
    } else if (a.rfind("sample:", 0) == 0) {
      uint64_t n = std::strtoull(a.c_str() + 7, nullptr, 10);
      uint64_t span = t->text_end() - t->text_start();
      for (uint64_t k = 0; k < n; ++k) show(*t, t->text_start() + span / (n + 1) * (k + 1) + k % 13);
    } else {
      show(*t, std::strtoull(a.c_str(), nullptr, 16));
    }
  }
  return 0;
}
