// Process and memory syscalls as strace prints them (gotrace_format): clone and clone3,
// execve's argv and environment count, wait statuses, rlimits, mmap protections and flags.
#include <sys/wait.h>

#include <algorithm>
#include <utility>
#include <climits>

#include "internal.h"

namespace gotrace::format::detail {

namespace {

using layout::load;

constexpr Flag kCloneFlags[] = {
    {0x100, "CLONE_VM"},         {0x200, "CLONE_FS"},           {0x400, "CLONE_FILES"},
    {0x800, "CLONE_SIGHAND"},    {0x1000, "CLONE_PIDFD"},       {0x2000, "CLONE_PTRACE"},
    {0x4000, "CLONE_VFORK"},     {0x8000, "CLONE_PARENT"},      {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"},    {0x40000, "CLONE_SYSVSEM"},    {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"},
    {0x800000, "CLONE_UNTRACED"}, {0x1000000, "CLONE_CHILD_SETTID"},
    {0x2000000, "CLONE_NEWCGROUP"}, {0x4000000, "CLONE_NEWUTS"},  {0x8000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"}, {0x40000000, "CLONE_NEWNET"},
    {0x80000000, "CLONE_IO"},
    // clone3 only
    {0x80, "CLONE_NEWTIME"}, {0x100000000, "CLONE_CLEAR_SIGHAND"}, {0x200000000, "CLONE_INTO_CGROUP"},
};
constexpr Flag kUnshareFlags[] = {
    {0x80, "CLONE_NEWTIME"},     {0x100, "CLONE_VM"},         {0x200, "CLONE_FS"},
    {0x400, "CLONE_FILES"},      {0x800, "CLONE_SIGHAND"},    {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"},    {0x40000, "CLONE_SYSVSEM"},  {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"}, {0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"}, {0x40000000, "CLONE_NEWNET"},
};
constexpr uint64_t kClonePidfd = 0x1000, kCloneSettls = 0x80000, kCloneParentSettid = 0x100000,
                   kCloneChildCleartid = 0x200000, kCloneChildSettid = 0x1000000,
                   kCloneIntoCgroup = 0x200000000;

constexpr Flag kIdTypes[] = {{0, "P_ALL"}, {1, "P_PID"}, {2, "P_PGID"}, {3, "P_PIDFD"}};

constexpr Flag kWaitOptions[] = {
    {1, "WNOHANG"},         {4, "WEXITED"},         {2, "WSTOPPED"},     {8, "WCONTINUED"},
    {0x01000000, "WNOWAIT"}, {0x80000000, "__WCLONE"}, {0x40000000, "__WALL"},
    {0x20000000, "__WNOTHREAD"},
};
constexpr Flag kResources[] = {
    {0, "RLIMIT_CPU"},    {1, "RLIMIT_FSIZE"},   {2, "RLIMIT_DATA"},       {3, "RLIMIT_STACK"},
    {4, "RLIMIT_CORE"},   {5, "RLIMIT_RSS"},     {6, "RLIMIT_NPROC"},      {7, "RLIMIT_NOFILE"},
    {8, "RLIMIT_MEMLOCK"}, {9, "RLIMIT_AS"},     {10, "RLIMIT_LOCKS"},     {11, "RLIMIT_SIGPENDING"},
    {12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"}, {14, "RLIMIT_RTPRIO"},   {15, "RLIMIT_RTTIME"},
};
constexpr Flag kMmapProt[] = {{0, "PROT_NONE"},  {1, "PROT_READ"}, {2, "PROT_WRITE"},
                              {4, "PROT_EXEC"},  {8, "PROT_SEM"},  {0x01000000, "PROT_GROWSDOWN"},
                              {0x02000000, "PROT_GROWSUP"}};
constexpr Flag kMapTypes[] = {{0, "MAP_FILE"}, {1, "MAP_SHARED"}, {2, "MAP_PRIVATE"},
                              {3, "MAP_SHARED_VALIDATE"}};
constexpr Flag kMmapFlags[] = {
    {0x10, "MAP_FIXED"},      {0x20, "MAP_ANONYMOUS"},     {0x40, "MAP_32BIT"},
    {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"},   {0x10000, "MAP_NONBLOCK"},
    {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"},    {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},   {0x20000, "MAP_STACK"},      {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},    {0x4000000, "MAP_UNINITIALIZED"}, {0x100000, "MAP_FIXED_NOREPLACE"},
};
constexpr Flag kGrndFlags[] = {{1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"}};
constexpr Flag kCloseRangeFlags[] = {{2, "CLOSE_RANGE_UNSHARE"}, {4, "CLOSE_RANGE_CLOEXEC"}};

void put_mmap_flags(std::string& out, uint64_t flags) {
  put_xval(out, kMapTypes, flags & 0xf, "MAP_???");
  flags &= ~uint64_t{0xf};
  constexpr uint64_t kHugeMask = uint64_t{0x3f} << 26;
  const uint64_t huge = flags & kHugeMask;
  flags &= ~kHugeMask;
  if (flags) {
    out += '|';
    put_flags(out, kMmapFlags, flags, nullptr);
  }
  if (huge) put(out, "|{}<<MAP_HUGE_SHIFT", huge >> 26);
}

void put_rlim(std::string& out, uint64_t v) {
  if (v == ~0ull)
    out += "RLIM64_INFINITY";
  else if (v > 1024 && v % 1024 == 0)
    put(out, "{}*1024", v / 1024);
  else
    put_u(out, v);
}

// argv: ["a", "b"] with at most string_limit elements and strings; envp: 0x... /* N vars */.
void put_strings(std::string& out, const Ctx& c, const Arg& a, bool envp) {
  if (!has_data(a)) {
    put_ptr(out, a.raw);
    return;
  }
  layout::ArgvTrailer trailer;
  std::string_view d = layout::argv_strings(a.data, &trailer);
  if (envp && !c.opt.verbose) {
    const auto n = static_cast<std::size_t>(std::count(d.begin(), d.end(), '\0'));
    put_ptr(out, a.raw);
    put(out, " /* {} var{}{} */", n, n == 1 ? "" : "s", trailer.unterminated_at ? ", unterminated" : "");
    return;
  }
  out += '[';
  uint32_t k = 0;
  auto unreadable = trailer.unreadable.begin();
  while (!d.empty()) {
    const std::size_t nul = d.find('\0');
    const std::string_view s = d.substr(0, nul);
    d.remove_prefix(nul == std::string_view::npos ? d.size() : nul + 1);
    if (k) out += ", ";
    if (k == c.opt.string_limit) {
      out += "...";
      break;
    }
    if (unreadable != trailer.unreadable.end() && unreadable->first == k)
      put_ptr(out, (unreadable++)->second);  // strace prints the pointer it could not follow
    else
      put_buffer(out, s, s.size(), c.opt.string_limit);
    ++k;
  }
  if (d.empty() && k < c.opt.string_limit) {
    if (trailer.unterminated_at)
      put(out, "{}... /* {:#x} */", k ? ", " : "", trailer.unterminated_at);
    else if (a.state == ArgState::Truncated)
      out += k ? ", ..." : "...";
  }
  out += ']';
}

using layout::Clone3Section;
using layout::clone3_section;

// strace's print_nonzero_bytes: the bytes past the struct when any is set, "???" when they
// could not be read. Returns whether it printed.
bool put_clone3_tail(std::string& out, const Ctx& c, const Clone3Section& tail, const char* sep) {
  if (!tail.present) return false;
  if (!tail.bytes) {
    put(out, "{}???", sep);
    return true;
  }
  const std::string_view b = *tail.bytes;
  if (std::all_of(b.begin(), b.end(), [](char ch) { return ch == 0; })) return false;
  put(out, "{}/* bytes {}..{} */ ", sep, layout::kCloneArgsSize, layout::kCloneArgsSize + b.size() - 1);
  put_buffer(out, b, b.size(), c.opt.string_limit, Quote::Hex);
  return true;
}

std::size_t clone3_struct_len(const Ctx& c, const Arg& a) {
  return std::min<std::size_t>(a.data.size(), std::min<uint64_t>(c.raw(1), layout::kCloneArgsSize));
}

void put_clone3_struct(std::string& out, const Ctx& c, const Arg& a) {
  if (!has_data(a) || a.data.size() < layout::kCloneArgsMinSize) {
    put_ptr(out, a.raw);
    return;
  }
  const std::string_view all(a.data);
  const std::size_t struct_len = clone3_struct_len(c, a);
  const std::string_view d = all.substr(0, struct_len);
  const uint64_t flags = load<uint64_t>(d, 0);
  out += "{flags=";
  put_flags(out, kCloneFlags, flags, "CLONE_???");
  auto addr = [&](const char* name, std::size_t off) {
    put(out, ", {}=", name);
    put_ptr(out, load<uint64_t>(d, off));
  };
  if (flags & kClonePidfd) addr("pidfd", 8);
  if (flags & (kCloneChildSettid | kCloneChildCleartid)) addr("child_tid", 16);
  if (flags & kCloneParentSettid) addr("parent_tid", 24);
  const uint64_t exit_signal = load<uint64_t>(d, 32);
  out += ", exit_signal=";
  if (exit_signal < INT_MAX)
    put_signal(out, static_cast<int>(exit_signal));
  else
    put_u(out, exit_signal);
  addr("stack", 40);
  out += ", stack_size=";
  put_hex(out, load<uint64_t>(d, 48));
  if (flags & kCloneSettls) addr("tls", 56);
  const uint64_t set_tid_size = d.size() >= 80 ? load<uint64_t>(d, 72) : 0;
  if (d.size() >= 80 && (load<uint64_t>(d, 64) || set_tid_size)) {
    const Clone3Section tids = clone3_section(all, struct_len, 'S');
    if (tids.bytes) {
      out += ", set_tid=[";
      for (std::size_t off = 0; off + 4 <= tids.bytes->size(); off += 4)
        put(out, "{}{}", off ? ", " : "", load<int32_t>(*tids.bytes, off));
      out += ']';
    } else {
      addr("set_tid", 64);
    }
    put(out, ", set_tid_size={}", set_tid_size);
  }
  if (d.size() > 80 && (load<uint64_t>(d, 80) || (flags & kCloneIntoCgroup)))
    put(out, ", cgroup={}", load<uint64_t>(d, 80));
  put_clone3_tail(out, c, clone3_section(all, struct_len, 'T'), ", ");
  out += '}';
}

// What the kernel wrote back, as strace: " => {pidfd=[5], parent_tid=[1234]}".
void put_clone3_written(std::string& out, const Ctx& c, const Arg& a) {
  if (!c.succeeded() || !has_data(a) || a.data.size() < layout::kCloneArgsMinSize) return;
  const std::string_view all(a.data);
  const std::size_t struct_len = clone3_struct_len(c, a);
  bool opened = false;
  auto sep = [&] { return std::exchange(opened, true) ? ", " : " => {"; };
  auto written = [&](char tag, const char* name, std::size_t off) {
    const Clone3Section v = clone3_section(all, struct_len, tag);
    if (!v.present) return;
    put(out, "{}{}=", sep(), name);
    if (v.bytes && v.bytes->size() == 4)
      put(out, "[{}]", load<int32_t>(*v.bytes, 0));
    else
      put_ptr(out, load<uint64_t>(all, off));
  };
  written('P', "pidfd", 8);
  written('p', "parent_tid", 24);
  if (put_clone3_tail(out, c, clone3_section(all, struct_len, 't'), opened ? ", " : " => {")) opened = true;
  if (opened) out += '}';
}

}  // namespace

bool clone3_continues(const Ctx& c) {
  const Arg& a = c.arg(0);
  if (!has_data(a) || a.data.size() < layout::kCloneArgsMinSize) return false;
  return (load<uint64_t>(a.data, 0) & (kClonePidfd | kCloneParentSettid)) || c.raw(1) > layout::kCloneArgsSize;
}

void put_clone3_call(std::string& out, const Ctx& c, bool head, bool tail) {
  if (head) put_clone3_struct(out, c, c.arg(0));
  if (!tail) return;
  if (!head) put_clone3_written(out, c, c.arg(0));
  out += ", ";
  put_u(out, c.raw(1));
}

void put_wait_status(std::string& out, int s) {
  out += '[';
  if (WIFSTOPPED(s)) {
    out += "{WIFSTOPPED(s) && WSTOPSIG(s) == ";
    put_signal(out, WSTOPSIG(s) & 0x7f);
    if (WSTOPSIG(s) & 0x80) out += " | 0x80";
    out += '}';
    s &= ~(WSTOPSIG(s) << 8 | 0x7f);
  } else if (WIFSIGNALED(s)) {
    out += "{WIFSIGNALED(s) && WTERMSIG(s) == ";
    put_signal(out, WTERMSIG(s));
    out += WCOREDUMP(s) ? " && WCOREDUMP(s)}" : "}";
    s &= ~(WTERMSIG(s) | 0x80);
  } else if (WIFEXITED(s)) {
    put(out, "{{WIFEXITED(s) && WEXITSTATUS(s) == {}}}", WEXITSTATUS(s));
    s &= ~(WEXITSTATUS(s) << 8);
  } else if (WIFCONTINUED(s)) {
    out += "{WIFCONTINUED(s)}";
    s &= ~0xffff;
  } else {
    put_hex(out, static_cast<uint32_t>(s));
    out += ']';
    return;
  }
  if (const auto event = static_cast<uint32_t>(s) >> 16) {
    put(out, "|{}<<16", event);  // PTRACE_EVENT_* (only seen under a nested tracer)
    s &= 0xffff;
  }
  if (s) {
    out += '|';
    put_hex(out, static_cast<uint32_t>(s));
  }
  out += ']';
}

// clone(2): child_stack and flags first (x86_64 order flags, stack, ptid, ctid, tls), then
// the pointers its flags use. Two parts when the kernel writes parent_tid (the pidfd with
// CLONE_PIDFD, the child's tid with CLONE_PARENT_SETTID): the head at entry, the pointers at
// exit, where parent_tid shows the value written, as strace's parent_tid=[N].
bool clone_writes_parent_tid(uint64_t flags) { return (flags & (kCloneParentSettid | kClonePidfd)) != 0; }

void put_clone_args(std::string& out, const Ctx& c, bool head, bool tail) {
  const uint64_t all = c.raw(0);
  const uint64_t flags = all & ~uint64_t{0xff};
  const int sig = static_cast<int>(all & 0xff);
  bool first = true;
  auto next = [&](const char* name) {
    if (!first || head) out += ", ";
    first = false;
    out += name;
  };
  if (head) {
    out += "child_stack=";
    put_ptr(out, c.raw(1));
    out += ", flags=";
    if (flags) {
      put_flags(out, kCloneFlags, flags, "CLONE_???");
      if (sig) {
        out += '|';
        put_signal(out, sig);
      }
    } else {
      put_signal(out, sig);
    }
  }
  if (!tail) return;
  if (clone_writes_parent_tid(flags)) {
    next("parent_tid=");
    if (const Arg& ptid = c.arg(2); has_data(ptid) && ptid.data.size() >= 4)
      put(out, "[{}]", load<int32_t>(ptid.data, 0));
    else
      put_ptr(out, c.raw(2));
  }
  if (flags & kCloneSettls) {
    next("tls=");
    put_ptr(out, c.raw(4));
  }
  if (flags & (kCloneChildSettid | kCloneChildCleartid)) {
    next("child_tidptr=");
    put_ptr(out, c.raw(3));
  }
}

void put_process_arg(std::string& out, const Ctx& c, int i) {
  const Arg& a = c.arg(i);
  switch (c.kind(i)) {
    case ArgKind::Argv: put_strings(out, c, a, false); break;
    case ArgKind::Envp: put_strings(out, c, a, true); break;
    case ArgKind::CloneFlags: put_flags(out, kUnshareFlags, c.raw(i), "CLONE_???"); break;
    case ArgKind::WaitStatusOut:
      if (c.succeeded() && c.call.ret > 0 && has_data(a) && a.data.size() >= 4)
        put_wait_status(out, load<int32_t>(a.data, 0));
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::WaitOptions: put_flags(out, kWaitOptions, static_cast<uint32_t>(c.raw(i)), "W???"); break;
    case ArgKind::IdType: put_xval(out, kIdTypes, static_cast<uint32_t>(c.raw(i)), "P_???"); break;
    case ArgKind::SiginfoOut: put_siginfo(out, a); break;
    case ArgKind::RusageOut:  // as strace without -v: the two times, then "..."
      if (has_data(a) && a.data.size() >= layout::kRusageTimesSize)
        put(out, "{{ru_utime={{tv_sec={}, tv_usec={}}}, ru_stime={{tv_sec={}, tv_usec={}}}, ...}}",
            load<int64_t>(a.data, 0), load<uint64_t>(a.data, 8), load<int64_t>(a.data, 16), load<uint64_t>(a.data, 24));
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::ParentTidOut: put_ptr(out, c.raw(i)); break;
    case ArgKind::RlimitResource:
      put_xval(out, kResources, static_cast<uint32_t>(c.raw(i)), "RLIMIT_???");
      break;
    case ArgKind::RlimitIn:
    case ArgKind::RlimitOut:
      if (has_data(a) && a.data.size() >= layout::kRlimitSize) {
        out += "{rlim_cur=";
        put_rlim(out, load<uint64_t>(a.data, 0));
        out += ", rlim_max=";
        put_rlim(out, load<uint64_t>(a.data, 8));
        out += '}';
      } else {
        put_ptr(out, c.raw(i));
      }
      break;
    case ArgKind::MmapProt: put_flags(out, kMmapProt, c.raw(i), "PROT_???"); break;
    case ArgKind::MmapFlags: put_mmap_flags(out, c.raw(i)); break;
    case ArgKind::GrndFlags: put_flags(out, kGrndFlags, c.raw(i), "GRND_???"); break;
    // An unsigned int: the kernel reads 32 bits.
    case ArgKind::CloseRangeFlags: put_flags(out, kCloseRangeFlags, static_cast<uint32_t>(c.raw(i)), "CLOSE_RANGE_???"); break;
    default: put_hex(out, c.raw(i)); break;
  }
}

}  // namespace gotrace::format::detail
