// Parsing --inject / -e inject= / -e fault= (strace's syntax and meaning) and --rlimit
// (prlimit's). Every error is a UsageError naming the bad part in one line.
#pragma once

#include <string_view>
#include <vector>

#include "launcher.h"
#include "syscall_tamper.h"

namespace gotrace::cli {

// SET:error=ERRNO|retval=N[:delay_enter=DUR][:delay_exit=DUR][:when=FIRST[..LAST][+[STEP]]]
// SET is a -e trace= set (names, %classes, !negation). ERRNO is a name (any case) or
// 1..4095. DUR is a number with s, ms, us or ns, microseconds without a unit (strace's time
// format). `fault` (-e fault=) takes only error= (default ENOSYS) and when=.
engine::TamperRule parse_inject(std::string_view spec, bool fault = false);

// A delay in strace's format: "3s", "250ms", "1.5s", "10us", "100ns", "500" (microseconds).
// Throws UsageError naming `what` when it is not one.
Nanos parse_delay(std::string_view text, std::string_view what);

// nofile=N[:HARD],nproc=N[:HARD] (N and HARD a number or "unlimited"; N alone sets both,
// as prlimit(1) does).
std::vector<engine::ChildRlimit> parse_rlimits(std::string_view spec);

}  // namespace gotrace::cli
