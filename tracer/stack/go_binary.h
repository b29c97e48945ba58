// A Go binary's symbol table, found and vouched for once per binary before any name from it
// is shown. The pclntab alone does not say where its functions are since Go 1.26 (its text
// start word is 0), and a table read with the wrong base names every pc wrongly but
// plausibly; so the text start comes from runtime.moduledata (or the .text section), and the
// result is checked against the machine code: runtime.goexit, found by name, must start
// with `NOP; CALL runtime.goexit1` to the address the table gives runtime.goexit1 (the same
// two instructions in every Go from 1.16 to 1.27 on amd64), and the text must lie in an
// executable segment. A table that fails gets no names: frames keep their addresses and the
// note says why.
// Layer: tracer/stack (live only).
#pragma once

#include <optional>
#include <string>

#include "elf_image.h"
#include "pclntab.h"

namespace gotrace::stack {

// The table of the Go binary `elf`, ready to name pcs, or nothing: `note` is then empty for a
// binary that is not Go, or one line saying why its table is not used.
std::optional<Pclntab> load_go_table(const ElfImage& elf, std::string& note);

}  // namespace gotrace::stack
