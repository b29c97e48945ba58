// Shared pieces of the formatter (gotrace_format): flag tables and their printer, number and
// string printers with strace's quoting, the per-call context, and each family's entry
// points. Private to tracer/format.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "gotrace/arg.h"
#include "gotrace/arg_layout.h"
#include "gotrace/format.h"
#include "gotrace/syscall_table.h"

namespace gotrace::format::detail {

// One named value of an xlat-style table; tables are constexpr arrays in the family files.
struct Flag {
  uint64_t value;
  const char* name;
};
using Flags = std::span<const Flag>;

template <typename... A>
void put(std::string& out, fmt::format_string<A...> f, A&&... a) {
  fmt::format_to(std::back_inserter(out), f, std::forward<A>(a)...);
}

const char* lookup(Flags t, uint64_t v);
// strace's printflags: names of the set bits in table order, "|"-joined; the unknown rest
// as hex ("0x40 /* dflt */" when nothing matched); 0 as the table's zero name or "0".
void put_flags(std::string& out, Flags t, uint64_t v, const char* dflt);
// strace's printxval: the exact name, else hex with "/* dflt */" (dflt may be null).
void put_xval(std::string& out, Flags t, uint64_t v, const char* dflt);
void put_hex(std::string& out, uint64_t v);  // "0" or "0x1f"
void put_ptr(std::string& out, uint64_t v);  // "NULL" or "0x7ff..."
void put_u(std::string& out, uint64_t v);
void put_d(std::string& out, int64_t v);
void put_octal_mode(std::string& out, uint64_t v);  // "%#03o"

// strings.cpp -----------------------------------------------------------------------------
enum class Quote : uint8_t { Normal, Hex };
// `s` quoted and escaped as strace's string_quote does (\n \t \" \\, octal otherwise).
void put_quoted(std::string& out, std::string_view s, Quote q = Quote::Normal);
// A buffer whose real length is `len`: at most `limit` bytes shown, "..." when more exist.
void put_buffer(std::string& out, std::string_view data, uint64_t len, uint32_t limit,
                Quote q = Quote::Normal);
// A NUL-terminated string captured as `a` (Path): quoted, "..." if cut; else NULL/pointer.
void put_path(std::string& out, const Arg& a);
// An fd with its -y target: 3</etc/passwd>. Targets that are paths are escaped as strace
// does (quotes dropped, '<' and '>' octal); socket descriptions are printed as they are.
void put_fd(std::string& out, int32_t fd, std::string_view target, const FormatOptions& opt);
// Just the "<target>" part (nothing without -y or without a target).
void put_fd_target(std::string& out, std::string_view target, const FormatOptions& opt);

// The call being printed.
struct Ctx {
  const CallView& call;
  const FormatOptions& opt;
  const SyscallInfo& info;

  bool failed() const { return call.exited && call.ret < 0 && call.ret >= -4095; }
  bool succeeded() const { return call.exited && !failed(); }
  const Arg& arg(int i) const { return call.args[static_cast<std::size_t>(i)]; }
  // Argument i as the kernel reads it: cut to its kind's width (SyscallInfo::value).
  uint64_t raw(int i) const { return info.value(call.args, i); }
  int64_t sraw(int i) const { return info.signed_value(call.args, i); }
  ArgKind kind(int i) const { return info.kinds[i]; }
};

bool has_data(const Arg& a);  // Captured or Truncated

// Generic kind printer (format.cpp).
void put_arg(std::string& out, const Ctx& c, int i);

// fs.cpp
void put_open_flags(std::string& out, uint64_t v);  // O_RDONLY|O_CLOEXEC
void put_fs_arg(std::string& out, const Ctx& c, int i);
bool fs_skip_arg(const Ctx& c, int i);
bool fs_return(std::string& out, const Ctx& c);
// `base`: the array's address, for "... /* ADDR */" where it runs into unmapped memory (0:
// unknown, as inside a msghdr).
void put_iovecs(std::string& out, const Ctx& c, std::string_view d, std::size_t pos,
                uint32_t count, uint64_t total, bool out_dir, uint64_t budget, bool more, uint64_t base = 0);
// net.cpp
void put_net_arg(std::string& out, const Ctx& c, int i);
// sockaddr.cpp
void put_family(std::string& out, uint64_t family);    // AF_INET
void put_msg_flags(std::string& out, uint64_t flags);  // MSG_PEEK|MSG_DONTWAIT
void put_sockaddr(std::string& out, std::string_view sa);
// sockaddr_legacy.cpp: AF_AX25, AF_IPX, AF_X25, AF_PACKET; false: not one of those, or
// shorter than its struct (strace then prints sa_data).
bool put_sockaddr_legacy(std::string& out, uint16_t family, std::string_view sa);
void put_msghdr_in(std::string& out, const Ctx& c, const Arg& a);   // sendmsg
void put_msghdr_out(std::string& out, const Ctx& c, const Arg& a);  // recvmsg
void put_mmsghdrs(std::string& out, const Ctx& c, int i, const Arg& a);
// process.cpp
void put_process_arg(std::string& out, const Ctx& c, int i);
// clone's head (child_stack, flags) and/or tail (the pointers its flags use).
bool clone_writes_parent_tid(uint64_t flags);
void put_clone_args(std::string& out, const Ctx& c, bool head, bool tail);
// clone3: the struct at entry; when the kernel writes back into it (pidfd, parent_tid) or
// the caller passed more than it knows, what it left is shown at exit (" => {...}").
bool clone3_continues(const Ctx& c);
void put_clone3_call(std::string& out, const Ctx& c, bool head, bool tail);
void put_wait_status(std::string& out, int status);
// signal.cpp
void put_signal(std::string& out, int sig);  // SIGURG, or the number
// waitid's siginfo as strace prints it ({} when no child was waited for), or the pointer.
void put_siginfo(std::string& out, const Arg& a);
void put_sigset(std::string& out, uint64_t mask);
void put_signal_arg(std::string& out, const Ctx& c, int i);
// futex_epoll.cpp
void put_futex_args(std::string& out, const Ctx& c);
void put_wait_arg(std::string& out, const Ctx& c, int i);
void put_timespec(std::string& out, const Arg& a);
bool wait_return(std::string& out, const Ctx& c);

}  // namespace gotrace::format::detail
