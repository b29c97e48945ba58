// strace -k style stack frame lines. See format.h.
#include <fmt/format.h>

#include "gotrace/format.h"

namespace gotrace::format {

void format_stack_frame(std::string& out, const StackFrame& f) {
  auto o = std::back_inserter(out);
  if (f.module.empty()) {
    fmt::format_to(o, "?? [{:#x}]", f.pc);  // anonymous memory (JIT, a corrupt return address)
  } else if (f.function.empty()) {
    fmt::format_to(o, "{}() [{:#x}]", f.module, f.rel);
  } else {
    fmt::format_to(o, "{}({}+{:#x}) [{:#x}]", f.module, f.function, f.offset, f.rel);
  }
  if (!f.file.empty()) fmt::format_to(o, " {}:{}", f.file, f.line);
}

}  // namespace gotrace::format
