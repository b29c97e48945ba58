// Waiting syscalls as strace prints them (gotrace_format): futex (only the arguments its op
// uses), epoll_ctl/epoll_wait events, poll fds and revents, timespecs, clocks and timeouts.
#include "internal.h"

namespace gotrace::format::detail {

namespace {

using layout::load;

constexpr Flag kFutexOps[] = {
    {0, "FUTEX_WAIT"}, {1, "FUTEX_WAKE"}, {2, "FUTEX_FD"}, {3, "FUTEX_REQUEUE"},
    {4, "FUTEX_CMP_REQUEUE"}, {5, "FUTEX_WAKE_OP"}, {6, "FUTEX_LOCK_PI"},
    {7, "FUTEX_UNLOCK_PI"}, {8, "FUTEX_TRYLOCK_PI"}, {9, "FUTEX_WAIT_BITSET"},
    {10, "FUTEX_WAKE_BITSET"}, {11, "FUTEX_WAIT_REQUEUE_PI"}, {12, "FUTEX_CMP_REQUEUE_PI"},
    {13, "FUTEX_LOCK_PI2"},
    {128, "FUTEX_WAIT_PRIVATE"}, {129, "FUTEX_WAKE_PRIVATE"}, {130, "FUTEX_FD|FUTEX_PRIVATE_FLAG"},
    {131, "FUTEX_REQUEUE_PRIVATE"}, {132, "FUTEX_CMP_REQUEUE_PRIVATE"},
    {133, "FUTEX_WAKE_OP_PRIVATE"}, {134, "FUTEX_LOCK_PI_PRIVATE"},
    {135, "FUTEX_UNLOCK_PI_PRIVATE"}, {136, "FUTEX_TRYLOCK_PI_PRIVATE"},
    {137, "FUTEX_WAIT_BITSET_PRIVATE"}, {138, "FUTEX_WAKE_BITSET_PRIVATE"},
    {139, "FUTEX_WAIT_REQUEUE_PI_PRIVATE"}, {140, "FUTEX_CMP_REQUEUE_PI_PRIVATE"},
    {141, "FUTEX_LOCK_PI2_PRIVATE"},
    {256, "FUTEX_WAIT|FUTEX_CLOCK_REALTIME"}, {384, "FUTEX_WAIT_PRIVATE|FUTEX_CLOCK_REALTIME"},
    {265, "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME"},
    {393, "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"},
    {267, "FUTEX_WAIT_REQUEUE_PI|FUTEX_CLOCK_REALTIME"},
    {395, "FUTEX_WAIT_REQUEUE_PI_PRIVATE|FUTEX_CLOCK_REALTIME"},
};
constexpr Flag kFutexBitset[] = {{0xffffffff, "FUTEX_BITSET_MATCH_ANY"}};
constexpr Flag kFutexWakeOps[] = {{0, "FUTEX_OP_SET"}, {1, "FUTEX_OP_ADD"}, {2, "FUTEX_OP_OR"},
                                  {3, "FUTEX_OP_ANDN"}, {4, "FUTEX_OP_XOR"}};
constexpr Flag kFutexWakeCmps[] = {{0, "FUTEX_OP_CMP_EQ"}, {1, "FUTEX_OP_CMP_NE"},
                                   {2, "FUTEX_OP_CMP_LT"}, {3, "FUTEX_OP_CMP_LE"},
                                   {4, "FUTEX_OP_CMP_GT"}, {5, "FUTEX_OP_CMP_GE"}};

constexpr Flag kEpollCtlOps[] = {{1, "EPOLL_CTL_ADD"}, {2, "EPOLL_CTL_DEL"}, {3, "EPOLL_CTL_MOD"}};
constexpr Flag kEpollEvents[] = {
    {0x1, "EPOLLIN"},        {0x2, "EPOLLPRI"},        {0x4, "EPOLLOUT"},
    {0x8, "EPOLLERR"},       {0x10, "EPOLLHUP"},       {0x20, "EPOLLNVAL"},
    {0x40, "EPOLLRDNORM"},   {0x80, "EPOLLRDBAND"},    {0x100, "EPOLLWRNORM"},
    {0x200, "EPOLLWRBAND"},  {0x400, "EPOLLMSG"},      {0x2000, "EPOLLRDHUP"},
    {0x10000000, "EPOLLEXCLUSIVE"}, {0x20000000, "EPOLLWAKEUP"}, {0x40000000, "EPOLLONESHOT"},
    {0x80000000, "EPOLLET"},
};
constexpr Flag kPollEvents[] = {
    {0x1, "POLLIN"},       {0x2, "POLLPRI"},      {0x4, "POLLOUT"},     {0x8, "POLLERR"},
    {0x10, "POLLHUP"},     {0x20, "POLLNVAL"},    {0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"},
    {0x100, "POLLWRNORM"}, {0x200, "POLLWRBAND"}, {0x400, "POLLMSG"},   {0x1000, "POLLREMOVE"},
    {0x2000, "POLLRDHUP"}, {0x8000, "POLL_BUSY_LOOP"},
};
constexpr Flag kClocks[] = {
    {0, "CLOCK_REALTIME"},          {1, "CLOCK_MONOTONIC"},
    {2, "CLOCK_PROCESS_CPUTIME_ID"}, {3, "CLOCK_THREAD_CPUTIME_ID"},
    {4, "CLOCK_MONOTONIC_RAW"},     {5, "CLOCK_REALTIME_COARSE"},
    {6, "CLOCK_MONOTONIC_COARSE"},  {7, "CLOCK_BOOTTIME"},
    {8, "CLOCK_REALTIME_ALARM"},    {9, "CLOCK_BOOTTIME_ALARM"},
    {10, "CLOCK_SGI_CYCLE"},        {11, "CLOCK_TAI"},
};
constexpr Flag kTimerFlags[] = {{1, "TIMER_ABSTIME"}};

void put_timespec_data(std::string& out, std::string_view d, const char* frac) {
  put(out, "{{tv_sec={}, {}={}}}", load<int64_t>(d, 0), frac, load<uint64_t>(d, 8));
}

void put_epoll_event(std::string& out, std::string_view ev) {
  out += "{events=";
  put_flags(out, kEpollEvents, load<uint32_t>(ev, 0), "EPOLL???");
  const uint64_t data = load<uint64_t>(ev, 4);
  put(out, ", data={{u32={}, u64={}}}}}", static_cast<uint32_t>(data), data);
}

// "[a, b, ...]": `count` captured elements of `size` bytes, `total` in the call.
template <typename F>
void put_array(std::string& out, std::string_view d, std::size_t size, uint64_t total,
               uint32_t limit, F&& elem) {
  const std::size_t count = d.size() / size;
  out += '[';
  std::size_t k = 0;
  for (; k < count && k < limit; ++k) {
    if (k) out += ", ";
    elem(d.substr(k * size, size));
  }
  if (k < total) out += k ? ", ..." : "...";
  out += ']';
}

// Entries of a PollFds capture: the entry half, or the exit half (revents).
std::string_view pollfds_half(const Ctx& c, const Arg& a, bool exit_half) {
  const bool both = c.call.exited && c.call.ret > 0 && a.data.size() % 16 == 0;
  if (!both) return exit_half ? std::string_view{} : std::string_view(a.data);
  std::string_view d(a.data);
  const std::size_t half = d.size() / 2;
  return exit_half ? d.substr(half) : d.substr(0, half);
}

}  // namespace

void put_timespec(std::string& out, const Arg& a) {
  if (has_data(a) && a.data.size() >= layout::kTimespecSize)
    put_timespec_data(out, a.data, "tv_nsec");
  else
    put_ptr(out, a.raw);
}

void put_futex_args(std::string& out, const Ctx& c) {
  const uint32_t op = static_cast<uint32_t>(c.raw(1));
  const uint32_t val = static_cast<uint32_t>(c.raw(2));
  const uint32_t val2 = static_cast<uint32_t>(c.raw(3));
  const uint32_t val3 = static_cast<uint32_t>(c.raw(5));
  put_ptr(out, c.raw(0));
  out += ", ";
  put_xval(out, kFutexOps, op, "FUTEX_???");
  auto sep = [&] { out += ", "; };
  auto timeout = [&] { sep(); put_timespec(out, c.arg(3)); };
  switch (op & 127) {
    case 0:  // WAIT
      put(out, ", {}", val);
      timeout();
      break;
    case 6:  // LOCK_PI
    case 13:  // LOCK_PI2
      timeout();
      break;
    case 9:  // WAIT_BITSET
      put(out, ", {}", val);
      timeout();
      sep();
      put_xval(out, kFutexBitset, val3, nullptr);
      break;
    case 10:  // WAKE_BITSET
      put(out, ", {}, ", val);
      put_xval(out, kFutexBitset, val3, nullptr);
      break;
    case 3:  // REQUEUE
      put(out, ", {}, {}, ", val, val2);
      put_ptr(out, c.raw(4));
      break;
    case 4:   // CMP_REQUEUE
    case 12:  // CMP_REQUEUE_PI
      put(out, ", {}, {}, ", val, val2);
      put_ptr(out, c.raw(4));
      put(out, ", {}", val3);
      break;
    case 5: {  // WAKE_OP: the encoded operation, as strace spells it out
      put(out, ", {}, {}, ", val, val2);
      put_ptr(out, c.raw(4));
      sep();
      if ((val3 >> 28) & 8) out += "FUTEX_OP_OPARG_SHIFT<<28|";
      const char* o = lookup(kFutexWakeOps, (val3 >> 28) & 7);
      if (o)
        put(out, "{}<<28", o);
      else
        put(out, "{:#x}<<28 /* FUTEX_OP_??? */", (val3 >> 28) & 7);
      out += '|';
      put_hex(out, (val3 >> 12) & 0xfff);
      out += "<<12|";
      const char* cmp = lookup(kFutexWakeCmps, (val3 >> 24) & 0xf);
      if (cmp)
        put(out, "{}<<24", cmp);
      else
        put(out, "{:#x}<<24 /* FUTEX_OP_CMP_??? */", (val3 >> 24) & 0xf);
      out += '|';
      put_hex(out, val3 & 0xfff);
      break;
    }
    case 11:  // WAIT_REQUEUE_PI
      put(out, ", {}", val);
      timeout();
      sep();
      put_ptr(out, c.raw(4));
      break;
    case 1:  // WAKE
    case 2:  // FD
      put(out, ", {}", val);
      break;
    case 7:  // UNLOCK_PI
    case 8:  // TRYLOCK_PI
      break;
    default:
      put(out, ", {}, ", val);
      put_ptr(out, c.raw(3));
      sep();
      put_ptr(out, c.raw(4));
      sep();
      put_hex(out, val3);
      break;
  }
}

void put_wait_arg(std::string& out, const Ctx& c, int i) {
  const Arg& a = c.arg(i);
  switch (c.kind(i)) {
    case ArgKind::EpollCtlOp:
      put_xval(out, kEpollCtlOps, static_cast<uint32_t>(c.raw(i)), "EPOLL_CTL_???");
      break;
    case ArgKind::EpollEvent:  // (EPOLL_CTL_DEL ignores it: strace shows the pointer)
      if (has_data(a) && a.data.size() >= layout::kEpollEventSize && static_cast<uint32_t>(c.raw(1)) != 2)
        put_epoll_event(out, a.data);
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::EpollEventsOut:
      if (c.succeeded() && has_data(a))
        put_array(out, a.data, layout::kEpollEventSize, static_cast<uint64_t>(c.call.ret),
                  c.opt.string_limit, [&](std::string_view e) { put_epoll_event(out, e); });
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::TimeoutMs: put_d(out, static_cast<int32_t>(c.raw(i))); break;
    case ArgKind::TimespecIn:
    case ArgKind::TimespecResult: put_timespec(out, a); break;
    case ArgKind::TimespecOut:
      // clock_nanosleep leaves the time left only for a relative sleep (strace)
      if (c.call.sysno == SysNo::clock_nanosleep && c.raw(1) != 0)
        put_ptr(out, c.raw(i));
      else
        put_timespec(out, a);
      break;
    case ArgKind::TimevalResult:
    case ArgKind::TimevalIn:
      if (has_data(a) && a.data.size() >= layout::kTimevalSize)
        put_timespec_data(out, a.data, "tv_usec");
      else
        put_ptr(out, c.raw(i));
      break;
    case ArgKind::ClockId: put_xval(out, kClocks, static_cast<uint32_t>(c.raw(i)), "CLOCK_???"); break;
    case ArgKind::TimerFlags: put_flags(out, kTimerFlags, c.raw(i), "TIMER_???"); break;
    case ArgKind::PollFds: {
      if (!has_data(a)) {
        put_ptr(out, c.raw(i));
        break;
      }
      const uint32_t nfds = static_cast<uint32_t>(c.raw(i + 1));
      const std::string_view fds = pollfds_half(c, a, false);
      const std::size_t got = fds.size() / layout::kPollfdSize;
      // the array runs into unmapped memory after `got` entries: strace ends it "... /* ADDR */"
      // (strace reads an element before it checks the -s limit, so the one at the limit too)
      const bool cut = got < nfds && got <= c.opt.string_limit && got < layout::kVectorLimit;
      put_array(out, fds, layout::kPollfdSize, cut ? got : nfds, c.opt.string_limit,
                [&](std::string_view p) {
                  const int32_t fd = load<int32_t>(p, 0);
                  put(out, "{{fd={}", fd);
                  if (fd >= 0) {
                    out += ", events=";
                    put_flags(out, kPollEvents, load<uint16_t>(p, 4), "POLL???");
                  }
                  out += '}';
                });
      if (cut) {
        out.pop_back();  // ']'
        put(out, "{}... /* {:#x} */]", got ? ", " : "", c.raw(i) + got * layout::kPollfdSize);
      }
      break;
    }
    default: put_hex(out, c.raw(i)); break;
  }
}

// poll/ppoll/select/pselect6 decorate a successful return: "(Timeout)" or the revents.
bool wait_return(std::string& out, const Ctx& c) {
  const SysNo s = c.call.sysno;
  const bool is_poll = s == SysNo::poll || s == SysNo::ppoll;
  if (!is_poll && s != SysNo::select && s != SysNo::pselect6) return false;
  if (!c.succeeded()) return false;
  put_d(out, c.call.ret);
  if (c.call.ret == 0) {
    out += " (Timeout)";
    return true;
  }
  if (!is_poll || !has_data(c.arg(0))) return true;
  std::string_view d = pollfds_half(c, c.arg(0), true);
  if (d.empty()) return true;
  out += " ([";
  uint32_t printed = 0;
  for (std::size_t k = 0; k + layout::kPollfdSize <= d.size(); k += layout::kPollfdSize) {
    const uint16_t revents = load<uint16_t>(d, k + 6);
    if (!revents) continue;
    if (printed) out += ", ";
    if (printed >= c.opt.string_limit) {
      out += "...";
      break;
    }
    put(out, "{{fd={}, revents=", load<int32_t>(d, k));
    put_flags(out, kPollEvents, revents, "POLL???");
    out += '}';
    ++printed;
  }
  out += "]";
  const Arg& timeout = c.arg(2);
  if (s == SysNo::ppoll && has_data(timeout) && timeout.data.size() >= 2 * layout::kTimespecSize) {
    out += ", left ";
    put_timespec_data(out, std::string_view(timeout.data).substr(layout::kTimespecSize), "tv_nsec");
  }
  out += ")";
  return true;
}

}  // namespace gotrace::format::detail
