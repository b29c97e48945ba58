// Shared helpers for analyzers' wording. See analyzers.h and finding.h.
#include <fmt/format.h>

#include <cctype>

#include "analyzers.h"
#include "gotrace/format.h"

namespace gotrace::analyzers {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

std::string call_text(const SyscallExit& x) {
  std::string s;
  format::CallView v{x.sysno, x.number, x.args, x.ret, true, x.ret_fd_target};
  format::FormatOptions opt;
  opt.string_limit = 48;
  format::format_call_head(s, v, opt);
  format::format_call_tail(s, v, opt);
  return s;
}

std::string call_text(const SyscallEnter& e) {
  std::string s;
  format::FormatOptions opt;
  opt.string_limit = 48;
  format::format_call_head(s, {e.sysno, e.number, e.args}, opt);
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, ", ") == 0) s += "...";  // known at exit
  return s + ")";
}

std::vector<std::string> stack_evidence(const Stack& st, std::size_t max,
                                        std::initializer_list<const char*> also_skip) {
  // Frames that only make the system call say nothing about who asked for it.
  auto plumbing = [&](const std::string& fn) {
    // (Go 1.19's runtime/internal/syscall moved to internal/runtime/syscall in 1.21+; Go >=
    // 1.24 makes getrandom from the vDSO, called by runtime.vgetrandom.)
    for (const char* p : {"runtime/internal/syscall.", "internal/runtime/syscall/", "syscall.", "internal/syscall/",
                          "golang.org/x/sys/unix.", "runtime.entersyscall", "runtime.exitsyscall", "runtime.vgetrandom",
                          // os's own layers under os.OpenFile (deeper since Go 1.21)
                          "os.open", "os.ignoringEINTR"})
      if (fn.rfind(p, 0) == 0) return true;
    for (const char* p : also_skip)
      if (fn.rfind(p, 0) == 0) return true;
    return false;
  };
  std::size_t first = 0;
  while (first + 1 < st.frames.size() &&
         (plumbing(st.frames[first].function) || st.frames[first].module == "[vdso]"))
    ++first;
  std::vector<std::string> out;
  out.push_back(st.frames.empty() ? "call stack: none (" + st.note + ")" : "call stack (innermost first):");
  for (std::size_t i = first; i < st.frames.size() && out.size() <= max; ++i) {
    const StackFrame& f = st.frames[i];
    std::string where = !f.file.empty() ? fmt::format("{}:{}", f.file, f.line)
                        : !f.module.empty() ? fmt::format("{}+{:#x}", f.module, f.rel)
                                            : fmt::format("{:#x}", f.pc);
    out.push_back(fmt::format("  at {} ({})", f.function.empty() ? "??" : f.function, where));
  }
  std::size_t shown = out.size() - 1;
  if (first + shown < st.frames.size())
    out.push_back(fmt::format("  ... {} more frames", st.frames.size() - first - shown));
  if (!st.frames.empty() && !st.note.empty()) out.push_back("  (" + st.note + ")");
  return out;
}

// cmd/go's module cache encodes upper case as '!' + lower case ("github.com/!azure/...").
static std::string unescape_module(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '!' && i + 1 < s.size()) out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[++i])));
    else out += s[i];
  }
  return out;
}

// A module cache file of cmd/go's downloads -> {"github.com/X/y@v1.2.3", " (.zip)"}: a
// VERSION.lock (no kind) or VERSION.zipNNN.tmp (.mod, .info); {"", ""} for anything else.
std::pair<std::string, std::string> cache_download(const std::string& path) {
  auto dl = path.find("/cache/download/");
  auto at = path.rfind("/@v/");
  if (dl == std::string::npos || at == std::string::npos || at < dl) return {};
  std::string module = unescape_module(path.substr(dl + 16, at - dl - 16));
  std::string file = path.substr(at + 4);
  std::string version, kind;
  if (file.ends_with(".lock")) {
    version = file.substr(0, file.size() - 5);
  } else if (file.ends_with(".tmp")) {
    for (const char* ext : {".zip", ".mod", ".info"}) {
      auto e = file.rfind(ext);
      if (e != std::string::npos && e > 0) {
        version = file.substr(0, e);
        kind = std::string(" (") + ext + ")";
        break;
      }
    }
  }
  if (version.empty() || version.find('/') != std::string::npos) return {};
  return {module + "@" + unescape_module(version), kind};
}

std::string bytes_text(uint64_t b) {
  if (b < 10'000) return fmt::format("{} bytes", b);
  if (b < 1'000'000) return fmt::format("{:.1f} kB", static_cast<double>(b) / 1e3);
  return fmt::format("{:.1f} MB", static_cast<double>(b) / 1e6);
}

std::string seconds_text(Nanos d) {
  double s = static_cast<double>(d.count()) / 1e9;
  if (s < 1) return fmt::format("{:.0f} ms", s * 1000);
  if (s < 600) return fmt::format("{:.1f} s", s);
  return fmt::format("{:.0f} min", s / 60);
}

}  // namespace gotrace::analyzers
