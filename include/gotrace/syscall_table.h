// The syscall table (expanded once from syscalls.def): names, numbers per architecture,
// class and semantic flags, argument kinds. Every consumer asks this table; none keeps its
// own list of syscall names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "gotrace/arg.h"
#include "gotrace/types.h"

namespace gotrace {

// Row ids of the table, arch-neutral. `unknown` stands for a number the table lacks.
enum class SysNo : uint16_t {
#define GT_SYSCALL(name, x64, a64, flags, ...) name,
#include "gotrace/syscalls.def"
#undef GT_SYSCALL
  unknown,
};

constexpr std::size_t kSyscallCount = static_cast<std::size_t>(SysNo::unknown);

// Bit flags on a row. The first group mirrors strace's -e trace=%class sets.
enum SyscallFlag : uint32_t {
  kDesc = 1u << 0,      // %desc: takes or returns a file descriptor
  kFile = 1u << 1,      // %file: takes a file name
  kNet = 1u << 2,       // %net
  kProcess = 1u << 3,   // %process: process lifecycle
  kSignal = 1u << 4,    // %signal
  kMemory = 1u << 5,    // %memory
  kIpc = 1u << 6,       // %ipc
  kClock = 1u << 7,     // %clock
  kCreds = 1u << 8,     // %creds
  kStat = 1u << 9,      // %stat (stat family)
  kStatfs = 1u << 10,   // %statfs
  kPure = 1u << 11,     // %pure: no arguments, always succeeds
  kReturnsFd = 1u << 16,
  kReturnsHex = 1u << 17,   // return value is an address (mmap, brk)
  kNeverReturns = 1u << 18, // exit, exit_group, rt_sigreturn (no normal exit stop)
  kMayBlock = 1u << 19,     // can wait indefinitely on an outside event
  kDecoded = 1u << 20,      // argument kinds written by hand
  kFdTable = 1u << 21,      // changes the fd table without returning an fd (close, dup2, pipe2...)
  kStreamIo = 1u << 22,     // plain read/write family, used on sockets as on files
  kRandom = 1u << 23,       // getrandom
  kLimits = 1u << 24,       // getrlimit, setrlimit, prlimit64
  kSends = 1u << 25,        // moves data out through its fd (write, pwrite64, send*...)
  kReceives = 1u << 26,     // moves data in through its fd (read, pread64, recv*...)
};

struct SyscallInfo {
  const char* name;
  int16_t x86_64;   // -1 when absent
  int16_t aarch64;  // -1 when absent
  uint32_t flags;
  uint8_t nargs;
  ArgKind kinds[kMaxArgs];

  bool has(uint32_t f) const { return (flags & f) != 0; }
  // Argument i as the kernel reads it: the register cut to its kind's width (arg_bits),
  // zero-extended, or sign-extended by signed_value. Decoders and analyzers read
  // arguments through these (or SyscallEnter/SyscallExit::arg), never Arg::raw, so an
  // fd is 32 bits everywhere. 0 past the sixth argument.
  uint64_t value(const Args& a, int i) const;
  int64_t signed_value(const Args& a, int i) const;
};

// Table row for a SysNo; SysNo::unknown yields a row named "syscall" with six Hex args.
const SyscallInfo& syscall_info(SysNo s);

// Number -> row for the given architecture; SysNo::unknown when the table lacks it.
SysNo sysno_from_number(Arch arch, int64_t number);
int syscall_number(Arch arch, SysNo s);  // -1 when absent on that arch
std::optional<SysNo> sysno_from_name(std::string_view name);

// The architecture gotrace itself was built for (and traces).
constexpr Arch kHostArch = Arch::X86_64;

// strace's class name ("%net", "%file", ... also without the %) -> flag; 0 when unknown.
uint32_t syscall_class_flag(std::string_view cls);

// All rows, in table order.
std::span<const SyscallInfo> all_syscalls();

// A syscall that needs a stop only when one argument has one of a few values (the fast
// path's seccomp filter compares the low 32 bits of that argument register): fcntl matters
// to the fd table only for F_DUPFD, F_DUPFD_CLOEXEC and F_SETFD, not Go's F_GETFL/F_SETFL.
struct ArgCondition {
  SysNo sysno = SysNo::unknown;
  uint8_t arg = 0;
  std::vector<uint32_t> values;
  bool operator==(const ArgCondition&) const = default;
};

}  // namespace gotrace
