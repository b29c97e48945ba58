// One line of an strace log, taken apart: pid prefix, timestamp, and what the line is (a
// syscall, its unfinished head or resumed tail, a signal, an exit, a -C summary row).
// Internal to gotrace_record's strace importer; pure functions, easy to test and fuzz.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gotrace/arg.h"
#include "gotrace/syscall_table.h"

namespace gotrace::record::strace {

enum class LineKind {
  Blank,
  Call,        // name(args) = ret
  Unfinished,  // name(args <unfinished ...>
  Resumed,     // <... name resumed>args) = ret
  Signal,      // --- SIGxxx {...} ---
  GroupStop,   // --- stopped by SIGxxx ---
  Exited,      // +++ exited with N +++
  Killed,      // +++ killed by SIGxxx [(core dumped)] +++
  Superseded,  // +++ superseded by execve in pid N +++
  Attached,    // strace: Process N attached
  Detached,    // strace: Process N detached
  Summary,     // part of the -c / -C table
  Note,        // other strace messages, recognised and ignored
  Unparsed,
};

enum class TimeKind { None, TimeOfDay /* -t, -tt */, Epoch /* -ttt */ };

struct ParsedLine {
  LineKind kind = LineKind::Unparsed;
  int32_t pid = -1;  // -1: no pid prefix
  TimeKind time_kind = TimeKind::None;
  int64_t time_ns = 0;  // since midnight (TimeOfDay) or since the epoch (Epoch)
  std::string_view name;      // syscall name (Call, Unfinished, Resumed)
  std::string_view args;      // argument text: whole (Call), head (Unfinished), tail (Resumed)
  bool has_ret = false;       // false for "= ?" and for Unfinished
  // "= ? <unavailable>": the call reached its exit, but strace could not read the result
  // (the process was dying); strace -c counts the call (count_syscall runs before it
  // prints this), unlike a plain "= ?" (a call that never returned).
  bool ret_unavailable = false;
  int64_t ret = 0;            // -errno on failure
  std::string_view ret_note;  // -y annotation of a returned fd: "/etc/passwd"
  bool has_dur = false;       // -T
  int64_t dur_ns = 0;
  int signo = 0;              // Signal, GroupStop, Killed
  bool core_dumped = false;
  int exit_code = 0;          // Exited
  int32_t other_pid = 0;      // Superseded: the exec'ing thread; Attached/Detached: the pid
  std::string_view sig_info;  // Signal: text inside the braces
};

// `summary_seen` says a -c table header came earlier, so rows are recognised.
ParsedLine parse_line(std::string_view line, bool summary_seen);

// Syscall name as strace prints it -> table row and number; "syscall_0x1b6" / "syscall_438"
// give SysNo::unknown with that number. False when the name is neither.
bool resolve_syscall(std::string_view name, SysNo& sysno, int32_t& number);

// Arg::raw of a pointer argument strace printed as contents ("...", {...}, [...]): not
// NULL, address unknown.
constexpr uint64_t kUnknownAddress = 1;

// Fills `args` from strace's argument text for the syscall, best effort: numbers and known
// constants into raw, quoted strings into data for Path/BufIn/BufOut (Argv/Envp as NUL-
// separated lists), -y fd annotations into data for Fd/DirFd, and the structures the
// analyzers read (sockaddr, rlimit, pipe fds, SO_ERROR value, socklen) as arg_layout.h
// bytes. `at_exit` false leaves out what is known only at exit. Returns the count seen.
int parse_args(std::string_view text, SysNo sysno, bool at_exit, Args& args);

// Undoes strace's string quoting (\n, \t, \", \\, \xHH, octal \NNN) of the text between
// the quotes; appends to `out`.
void unescape(std::string_view quoted, std::string& out);

// The value of `key=` in a `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, ...}` text,
// as a number (names looked up); `fallback` when absent or not understood.
int64_t info_field(std::string_view info, std::string_view key, int64_t fallback);

}  // namespace gotrace::record::strace
