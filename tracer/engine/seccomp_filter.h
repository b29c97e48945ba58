// The fast path's seccomp filter: SECCOMP_RET_TRACE for the syscalls gotrace must see,
// SECCOMP_RET_ALLOW (no stop at all) for every other one. Built with libseccomp in the
// parent; the launched child installs the compiled program just before its execve.
#pragma once

#include <linux/filter.h>

#include <vector>

#include "gotrace/syscall_table.h"

namespace gotrace::engine {

// The SECCOMP_RET_DATA of gotrace's own filter. A seccomp stop with other data comes from a
// filter of the program's own (SECCOMP_RET_TRACE for a tracer it expects, or none: then the
// call must fail with ENOSYS as it does untraced). When several filters return TRACE for a
// call the kernel reports the data of the most recently installed one: the program's.
constexpr uint16_t kOwnTraceData = 0x6774;  // "gt"

// `traced[s]` for each SysNo row says whether it causes a stop; a traced row named in
// `only_when` stops only when that argument's low 32 bits equal one of the values.
// Returns the BPF program, or an empty vector (reason in `why`) when libseccomp cannot
// build it.
std::vector<sock_filter> build_seccomp_filter(const std::vector<bool>& traced, std::string& why,
                                              const std::vector<ArgCondition>& only_when = {});

}  // namespace gotrace::engine
