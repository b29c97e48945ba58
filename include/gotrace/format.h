// Formatting of captured syscalls, signals and exits as strace prints them. Pure functions
// of event values: the same text live and in replay.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gotrace/arg.h"
#include "gotrace/event.h"
#include "gotrace/syscall_table.h"

namespace gotrace::format {

// -X: named constants and flags as names (strace's default), as numbers, or both.
enum class XlatStyle : uint8_t { Abbrev, Raw, Verbose };

struct FormatOptions {
  uint32_t string_limit = 32;  // -s: longest string/buffer printed before "..."
  int fd_detail = 0;           // -y / -yy: print fd targets captured in Arg::data
  // -a: format_call_tail pads `out` with spaces so that "= RET" starts at this column, as
  // strace does (the trace passes its line, 40 by default); 0 = no padding (evidence lines).
  uint32_t column = 0;
  XlatStyle xlat = XlatStyle::Abbrev;  // -X
  bool verbose = false;                // -v: execve's environment in full
};

// One syscall as the formatter sees it. For an entry, `exited` is false and ret unused.
struct CallView {
  SysNo sysno;
  int32_t number;  // for "syscall_0x1f4" when sysno is unknown
  const Args& args;
  int64_t ret = 0;
  bool exited = false;
  std::string_view ret_fd_target = {};
};

// Name as strace prints it: the table's name, or "syscall_0x1f4" when unknown.
std::string syscall_name(SysNo sysno, int32_t number);

// Appends "name(" and the arguments known at entry, with a trailing ", " when arguments
// known only at exit follow; e.g. `read(3, ` or `close(3`.
void format_call_head(std::string& out, const CallView& call, const FormatOptions& opt);

// Appends the arguments known only at exit, then ") = " and the return value, e.g.
// `"abc", 3) = 3`, `) = -1 ENOENT (No such file or directory)`, `) = ?` for no return.
void format_call_tail(std::string& out, const CallView& call, const FormatOptions& opt);

// -e read= / -e write=: the data a call moved, as strace's hex dump lines (each ending in
// '\n'); for iovec calls, " * N bytes in buffer K" before each buffer's dump. Appends
// nothing when the call carries no data argument. `tid` is named when memory was unreadable.
void format_io_dump(std::string& out, const CallView& call, int32_t tid);
// One buffer as strace's dumpstr lines.
void format_hex_dump(std::string& out, std::string_view data);

// `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0} ---`
// or `--- stopped by SIGSTOP ---` for a group-stop.
void format_signal(std::string& out, const Signal& sig);

// `+++ exited with 3 +++` or `+++ killed by SIGKILL (core dumped) +++`.
void format_exit(std::string& out, int wait_status);

// A stack frame as strace -k prints it, without its leading " > ":
// `/usr/lib/x86_64-linux-gnu/libc.so.6(__open64+0x51) [0xf8011]` (the bracket is the pc's
// offset in the file), then ` /usr/lib/go/src/os/file.go:337` when the source line is known.
void format_stack_frame(std::string& out, const StackFrame& f);

// "ENOENT" ("E???" style fallback "errno 1234" when unknown); kernel-internal ERESTART*
// included.
std::string_view errno_name(int err);
// "No such file or directory"; kernel-internal ones get strace's texts.
std::string_view errno_text(int err);
// "SIGURG"; "SIGRT_3" for real-time signals; "signal 99" fallback.
std::string signal_name(int signo);

}  // namespace gotrace::format
