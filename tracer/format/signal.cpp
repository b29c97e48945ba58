// Signals as strace prints them (gotrace_format): names, kernel sigsets, sigaction structs,
// "--- SIGCHLD {...} ---" lines and "+++ exited with 0 +++" lines.
#include <sys/wait.h>

#include "internal.h"

namespace gotrace::format {
namespace detail {

namespace {

// Index = signal number (x86_64 / generic); 32 is the kernel's SIGRTMIN.
constexpr const char* kSignals[] = {
    nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP",   "SIGABRT",
    "SIGBUS",  "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV",   "SIGUSR2",   "SIGPIPE",
    "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP",   "SIGTSTP",
    "SIGTTIN", "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO",  "SIGPWR",    "SIGSYS",  "SIGRTMIN",
};
constexpr int kRtMin = 32;
constexpr int kRtMax = 64;

constexpr Flag kSigprocmaskHow[] = {{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}};

constexpr Flag kSaFlags[] = {
    {0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"},   {0x10000000, "SA_RESTART"},
    {0x20000000, "SA_INTERRUPT"}, {0x40000000, "SA_NODEFER"},  {0x80000000, "SA_RESETHAND"},
    {4, "SA_SIGINFO"},           {1, "SA_NOCLDSTOP"},          {2, "SA_NOCLDWAIT"},
};
constexpr uint64_t kSaRestorer = 0x04000000;

// si_code names: generic ones first, then per signal (strace's print_si_code).
constexpr Flag kSiCodes[] = {
    {0, "SI_USER"},     {0x80, "SI_KERNEL"},          {uint64_t(-1), "SI_QUEUE"},
    {uint64_t(-2), "SI_TIMER"}, {uint64_t(-3), "SI_MESGQ"}, {uint64_t(-4), "SI_ASYNCIO"},
    {uint64_t(-5), "SI_SIGIO"}, {uint64_t(-6), "SI_TKILL"}, {uint64_t(-7), "SI_DETHREAD"},
    {uint64_t(-60), "SI_ASYNCNL"},
};
constexpr Flag kChldCodes[] = {{1, "CLD_EXITED"}, {2, "CLD_KILLED"},  {3, "CLD_DUMPED"},
                               {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"}};
constexpr Flag kSegvCodes[] = {{1, "SEGV_MAPERR"}, {2, "SEGV_ACCERR"}, {3, "SEGV_BNDERR"},
                               {4, "SEGV_PKUERR"}};
constexpr Flag kBusCodes[] = {{1, "BUS_ADRALN"}, {2, "BUS_ADRERR"}, {3, "BUS_OBJERR"},
                              {4, "BUS_MCEERR_AR"}, {5, "BUS_MCEERR_AO"}};
constexpr Flag kIllCodes[] = {{1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"},
                              {4, "ILL_ILLTRP"}, {5, "ILL_PRVOPC"}, {6, "ILL_PRVREG"},
                              {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}};
constexpr Flag kFpeCodes[] = {{1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"},
                              {4, "FPE_FLTOVF"}, {5, "FPE_FLTUND"}, {6, "FPE_FLTRES"},
                              {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}, {14, "FPE_FLTUNK"},
                              {15, "FPE_CONDTRAP"}};
constexpr Flag kTrapCodes[] = {{1, "TRAP_BRKPT"}, {2, "TRAP_TRACE"}, {3, "TRAP_BRANCH"},
                               {4, "TRAP_HWBKPT"}, {5, "TRAP_UNK"}, {6, "TRAP_PERF"}};
constexpr Flag kPollCodes[] = {{1, "POLL_IN"},  {2, "POLL_OUT"}, {3, "POLL_MSG"},
                               {4, "POLL_ERR"}, {5, "POLL_PRI"}, {6, "POLL_HUP"}};
constexpr Flag kSysCodes[] = {{1, "SYS_SECCOMP"}, {2, "SYS_USER_DISPATCH"}};

Flags codes_for(int signo) {
  switch (signo) {
    case SIGCHLD: return kChldCodes;
    case SIGSEGV: return kSegvCodes;
    case SIGBUS: return kBusCodes;
    case SIGILL: return kIllCodes;
    case SIGFPE: return kFpeCodes;
    case SIGTRAP: return kTrapCodes;
    case SIGIO: return kPollCodes;
    case SIGSYS: return kSysCodes;
    default: return {};
  }
}

void put_si_code(std::string& out, int code, int signo) {
  const uint64_t v = static_cast<uint64_t>(static_cast<int64_t>(code));
  const char* name = lookup(kSiCodes, v);
  if (!name) name = lookup(codes_for(signo), v);
  if (name)
    out += name;
  else
    put_hex(out, static_cast<uint32_t>(code));
}

// Bit names inside a sigset: "INT", "RTMIN", "RT_3".
void put_sigset_member(std::string& out, int sig) {
  if (sig <= kRtMin)
    out += kSignals[sig] + 3;
  else
    put(out, "RT_{}", sig - kRtMin);
}

}  // namespace

void put_signal(std::string& out, int sig) {
  if (sig > 0 && sig <= kRtMin)
    out += kSignals[sig];
  else if (sig > kRtMin && sig <= kRtMax)
    put(out, "SIGRT_{}", sig - kRtMin);
  else
    put_d(out, sig);
}

void put_sigset(std::string& out, uint64_t mask) {
  // strace shows the complement, "~[...]", when two thirds or more of the bits are set.
  if (__builtin_popcountll(mask) >= 64 * 2 / 3) {
    out += '~';
    mask = ~mask;
  }
  out += '[';
  bool first = true;
  for (int bit = 0; bit < 64; ++bit) {
    if (!(mask & (1ull << bit))) continue;
    if (!first) out += ' ';
    first = false;
    put_sigset_member(out, bit + 1);
  }
  out += ']';
}

namespace {

void put_sigaction(std::string& out, std::string_view d) {
  using layout::load;
  const uint64_t handler = load<uint64_t>(d, layout::kSaHandler);
  const uint64_t flags = load<uint64_t>(d, layout::kSaFlags);
  out += "{sa_handler=";
  if (handler == 0)
    out += "SIG_DFL";
  else if (handler == 1)
    out += "SIG_IGN";
  else if (handler == ~0ull)
    out += "SIG_ERR";
  else
    put_ptr(out, handler);
  out += ", sa_mask=";
  put_sigset(out, load<uint64_t>(d, layout::kSaMask));
  out += ", sa_flags=";
  put_flags(out, kSaFlags, flags, "SA_???");
  if (flags & kSaRestorer) {
    out += ", sa_restorer=";
    put_ptr(out, load<uint64_t>(d, layout::kSaRestorer));
  }
  out += '}';
}

}  // namespace

bool sigset_size_ok(const Ctx& c, int i) {
  for (int j = i + 1; j < c.info.nargs; ++j)
    if (c.kind(j) == ArgKind::Ulong || c.kind(j) == ArgKind::Uint) return c.raw(j) == layout::kSigsetSize;
  return true;
}

void put_signal_arg(std::string& out, const Ctx& c, int i) {
  const Arg& a = c.arg(i);
  switch (c.kind(i)) {
    case ArgKind::Signo: put_signal(out, static_cast<int32_t>(c.raw(i))); break;
    case ArgKind::SigprocmaskHow:
      put_xval(out, kSigprocmaskHow, static_cast<uint32_t>(c.raw(i)), "SIG_???");
      break;
    case ArgKind::SigsetIn:
    case ArgKind::SigsetOut:
      // the kernel takes a sigset only of its own size (the size argument after it): any
      // other is EINVAL, and strace shows the pointer
      if (has_data(a) && a.data.size() >= layout::kSigsetSize && sigset_size_ok(c, i))
        put_sigset(out, layout::load<uint64_t>(a.data, 0));
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::SigactionIn:
    case ArgKind::SigactionOut:
      if (has_data(a) && a.data.size() >= layout::kSigactionSize)
        put_sigaction(out, a.data);
      else
        put_ptr(out, c.raw(i));
      break;
    default: put_hex(out, c.raw(i)); break;
  }
}

void put_siginfo(std::string& out, const Arg& a) {
  if (!has_data(a) || a.data.size() < layout::kSiginfoChldSize) {
    put_ptr(out, a.raw);
    return;
  }
  const int signo = layout::load<int32_t>(a.data, 0);
  if (signo == 0) {  // WNOHANG and no child had changed state
    out += "{}";
    return;
  }
  const int code = layout::load<int32_t>(a.data, 8);
  out += "{si_signo=";
  put_signal(out, signo);
  out += ", si_code=";
  put_si_code(out, code, signo);
  if (signo == SIGCHLD) {
    const int status = layout::load<int32_t>(a.data, 24);
    put(out, ", si_pid={}, si_uid={}, si_status=", layout::load<int32_t>(a.data, 16),
        layout::load<uint32_t>(a.data, 20));
    if (code == CLD_EXITED)
      put_d(out, status);
    else
      put_signal(out, status);
    put(out, ", si_utime={}, si_stime={}", layout::load<int64_t>(a.data, 32), layout::load<int64_t>(a.data, 40));
  }
  out += '}';
}

}  // namespace detail

using namespace detail;

std::string signal_name(int signo) {
  if (signo > 0 && signo <= 64) {
    std::string s;
    put_signal(s, signo);
    return s;
  }
  return fmt::format("signal {}", signo);
}

void format_signal(std::string& out, const Signal& sig) {
  if (sig.stop == SignalStop::GroupStop) {
    out += "--- stopped by ";
    put_signal(out, sig.signo);
    out += " ---";
    return;
  }
  out += "--- ";
  put_signal(out, sig.signo);
  out += " {si_signo=";
  put_signal(out, sig.signo);
  out += ", si_code=";
  put_si_code(out, sig.code, sig.signo);
  auto source = [&] { put(out, ", si_pid={}, si_uid={}", sig.sender_pid, sig.sender_uid); };
  if (sig.code <= 0) {  // sent by a process (SI_FROMUSER)
    source();
  } else {
    switch (sig.signo) {
      case SIGCHLD:
        source();
        out += ", si_status=";
        if (sig.code == CLD_EXITED)
          put_d(out, sig.status);
        else
          put_signal(out, sig.status);
        break;
      case SIGILL:
      case SIGFPE:
      case SIGBUS:
      case SIGSEGV:
      case SIGTRAP:
        out += ", si_addr=";
        put_ptr(out, sig.addr);
        break;
      default:
        if (sig.sender_pid || sig.sender_uid) source();
        break;
    }
  }
  out += "} ---";
}

void format_exit(std::string& out, int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    out += "+++ killed by ";
    put_signal(out, WTERMSIG(wait_status));
    out += WCOREDUMP(wait_status) ? " (core dumped) +++" : " +++";
    return;
  }
  put(out, "+++ exited with {} +++", WEXITSTATUS(wait_status));
}

}  // namespace gotrace::format
