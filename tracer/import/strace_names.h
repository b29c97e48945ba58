// Name -> number tables for reading strace logs: errno names, signal names, and the
// symbolic constants strace prints in place of numbers (O_*, SOCK_*, CLONE_*, si_code...).
// Internal to gotrace_record. Values are this host's (x86_64 Linux).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gotrace::record::strace {

// "ENOENT" -> 2; also kernel-internal ones strace prints ("ERESTARTSYS" -> 512).
std::optional<int> errno_from_name(std::string_view name);
// "SIGKILL" -> 9, "SIGRTMIN" -> 32, "SIGRT_3" -> 35; also without the "SIG" prefix.
std::optional<int> signal_from_name(std::string_view name);
// A symbolic constant strace prints: "O_CLOEXEC", "AF_INET", "CLD_EXITED", "AT_FDCWD"...
std::optional<int64_t> constant_from_name(std::string_view name);

}  // namespace gotrace::record::strace
