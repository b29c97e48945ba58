// The i386 ABI's syscall numbers, for 32-bit programs on x86_64 (GOARCH=386 binaries,
// gcc -m32): int 0x80 and sysenter calls number their syscalls differently (4 is write,
// 2 is fork), so the host table would name them wrongly. gotrace names them from the i386
// table (libseccomp's) and shows their arguments as raw numbers: their memory layouts
// (32-bit pointers and longs) are not decoded.
#pragma once

#include <cstdint>

#include "gotrace/syscall_table.h"

namespace gotrace::engine {

// The row of i386 syscall `number`; SysNo::unknown for a call the table has no row for
// (waitpid, mmap2, socketcall, _llseek...) or a number out of range.
SysNo sysno_from_i386(int64_t number);

}  // namespace gotrace::engine
