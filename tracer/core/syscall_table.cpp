// The syscall table expanded from syscalls.def, and lookups by number, name and class.
#include "gotrace/syscall_table.h"

#include <array>
#include <string_view>

namespace gotrace {
namespace {

using enum ArgKind;

template <typename... K>
constexpr SyscallInfo row(const char* name, int x64, int a64, uint32_t flags, K... kinds) {
  SyscallInfo info{name, static_cast<int16_t>(x64), static_cast<int16_t>(a64), flags,
                   static_cast<uint8_t>(sizeof...(kinds)), {}};
  ArgKind list[] = {kinds..., Hex};
  for (std::size_t i = 0; i < sizeof...(kinds); ++i) info.kinds[i] = list[i];
  return info;
}

constexpr SyscallInfo kTable[] = {
#define GT_SYSCALL(name, x64, a64, flags, ...) row(#name, x64, a64, flags __VA_OPT__(, ) __VA_ARGS__),
#include "gotrace/syscalls.def"
#undef GT_SYSCALL
};
static_assert(std::size(kTable) == kSyscallCount);

constexpr SyscallInfo kUnknown = row("syscall", -1, -1, 0, Hex, Hex, Hex, Hex, Hex, Hex);

constexpr int kMaxNumber = 512;

template <int16_t SyscallInfo::*Field>
constexpr std::array<uint16_t, kMaxNumber> by_number() {
  std::array<uint16_t, kMaxNumber> map{};
  for (auto& m : map) m = static_cast<uint16_t>(SysNo::unknown);
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    int n = kTable[i].*Field;
    if (n >= 0 && n < kMaxNumber) map[n] = static_cast<uint16_t>(i);
  }
  return map;
}

constexpr auto kByX86_64 = by_number<&SyscallInfo::x86_64>();
constexpr auto kByAarch64 = by_number<&SyscallInfo::aarch64>();

struct ClassName {
  std::string_view name;
  uint32_t flag;
};
constexpr ClassName kClasses[] = {
    {"desc", kDesc},     {"file", kFile},   {"net", kNet},     {"network", kNet},
    {"process", kProcess}, {"signal", kSignal}, {"memory", kMemory}, {"ipc", kIpc},
    {"clock", kClock},   {"creds", kCreds}, {"stat", kStat},   {"statfs", kStatfs},
    {"pure", kPure},
};

}  // namespace

const char* arg_kind_name(ArgKind k) {
  switch (k) {
#define GT_ARG_KIND_NAME(name) \
  case ArgKind::name:          \
    return #name;
    GT_ARG_KINDS(GT_ARG_KIND_NAME)
#undef GT_ARG_KIND_NAME
  }
  return "?";
}

int arg_bits(ArgKind k) {
  switch (k) {
    case Int: case Uint: case Fd: case DirFd:
    case SockDomain: case SockType: case SockProto: case SockFlags: case SockLevel:
    case SockOptName: case ShutdownHow: case MsgFlags:
    case OpenFlags: case Mode: case AtFlags: case AccessMode: case Whence:
    case FutexOp: case FutexVal: case FutexVal3: case EpollCtlOp: case TimeoutMs:
    case ClockId: case TimerFlags: case SigprocmaskHow: case Signo: case GrndFlags:
    case CloseRangeFlags: case WaitOptions: case IdType: case RlimitResource:
    case FcntlCmd: case FlockOp:
      return 32;
    default:
      return 64;
  }
}

uint64_t SyscallInfo::value(const Args& a, int i) const {
  if (i < 0 || i >= kMaxArgs) return 0;
  const uint64_t r = a[static_cast<std::size_t>(i)].raw;
  return i < nargs && arg_bits(kinds[i]) == 32 ? static_cast<uint32_t>(r) : r;
}

int64_t SyscallInfo::signed_value(const Args& a, int i) const {
  if (i < 0 || i >= kMaxArgs) return 0;
  const uint64_t r = a[static_cast<std::size_t>(i)].raw;
  return i < nargs && arg_bits(kinds[i]) == 32 ? static_cast<int32_t>(r) : static_cast<int64_t>(r);
}

const SyscallInfo& syscall_info(SysNo s) {
  auto i = static_cast<std::size_t>(s);
  return i < std::size(kTable) ? kTable[i] : kUnknown;
}

SysNo sysno_from_number(Arch arch, int64_t number) {
  if (number < 0 || number >= kMaxNumber) return SysNo::unknown;
  const auto& map = arch == Arch::Aarch64 ? kByAarch64 : kByX86_64;
  return static_cast<SysNo>(map[static_cast<std::size_t>(number)]);
}

int syscall_number(Arch arch, SysNo s) {
  const SyscallInfo& info = syscall_info(s);
  if (s == SysNo::unknown) return -1;
  return arch == Arch::Aarch64 ? info.aarch64 : info.x86_64;
}

std::optional<SysNo> sysno_from_name(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kTable); ++i)
    if (name == kTable[i].name) return static_cast<SysNo>(i);
  return std::nullopt;
}

uint32_t syscall_class_flag(std::string_view cls) {
  if (!cls.empty() && cls.front() == '%') cls.remove_prefix(1);
  for (const ClassName& c : kClasses)
    if (c.name == cls) return c.flag;
  return 0;
}

std::span<const SyscallInfo> all_syscalls() { return kTable; }

}  // namespace gotrace
