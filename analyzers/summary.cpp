// strace -c compatible table (strace src/count.c layout) and the unfinished-calls section.
#include "summary.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <numeric>

#include "gotrace/error.h"
#include "gotrace/format.h"

namespace gotrace::analyzers {
namespace {

double seconds(Nanos n) { return static_cast<double>(n.count()) / 1e9; }

struct Row {
  std::string name;
  const Summary::Stat* stat;
  std::size_t order;  // table order: a stable tie-break, so replays print the same table
};

}  // namespace

SortKey parse_sort_key(std::string_view s) {
  if (s == "time" || s == "time_total" || s == "total_time") return SortKey::Time;
  if (s == "calls" || s == "count") return SortKey::Calls;
  if (s == "errors" || s == "error") return SortKey::Errors;
  if (s == "name" || s == "syscall" || s == "syscall_name") return SortKey::Name;
  if (s == "nothing" || s == "none") return SortKey::Nothing;
  throw UsageError("invalid sort key '" + std::string(s) +
                   "' for -S (time, calls, errors, name, nothing)");
}

void Summary::on_event(const Event& e) {
  int32_t tid = raw(e.tid);
  if (const auto* start = std::get_if<TraceStart>(&e.body)) {
    filtered_ = start->filtered;
    quiet_files_ = start->quiet_files;
    light_ = start->light;
  }
  if (const auto* enter = std::get_if<SyscallEnter>(&e.body)) {
    if (!filter_.selected(enter->sysno)) {
      spare_.erase(in_flight_, tid);
      return;
    }
    InFlight& f = spare_.get(in_flight_, tid);
    f.interrupted = false;
    f.pid = raw(e.pid);
    f.sysno = enter->sysno;
    f.number = enter->number;
    f.entered = e.ts;
    f.args = enter->args;
  } else if (const auto* exit = std::get_if<SyscallExit>(&e.body)) {
    auto it = in_flight_.find(tid);
    if (it != in_flight_.end()) {
      // ERESTART*: a signal interrupted the call and the kernel will restart it after the
      // handler. Counted as strace counts it, but remembered: if the signal kills the
      // thread instead, the call never returned to the program.
      if (exit->ret <= -512 && exit->ret >= -516)
        it->second.interrupted = true;
      else
        spare_.erase(in_flight_, it);
    }
    if (!filter_.selected(exit->sysno)) return;
    Stat& s = exit->sysno == SysNo::unknown ? unknown_[exit->number]
                                            : known_[static_cast<std::size_t>(exit->sysno)];
    ++s.calls;
    if (exit->failed()) {
      ++s.errors;
      int32_t key = exit->sysno == SysNo::unknown ? -1 - exit->number : static_cast<int32_t>(exit->sysno);
      ++errors_[{key, exit->error()}];
    }
    s.time += e.ts - exit->entered;
  } else if (const auto* gone = std::get_if<ThreadExit>(&e.body)) {
    auto it = in_flight_.find(tid);
    if (it == in_flight_.end()) return;
    // A call cut short by a fatal signal is what a hang looks like when it is killed; one
    // cut by another thread's exit_group (a normal exit) is not worth a line.
    if (WIFSIGNALED(gone->wait_status))
      note_unfinished(tid, it->second, e.ts,
                      "killed by " + format::signal_name(WTERMSIG(gone->wait_status)));
    spare_.erase(in_flight_, it);
  } else if (const auto* exec = std::get_if<Exec>(&e.body)) {
    // The exec'ing thread's pending execve now belongs to the leader's tid.
    int32_t former = raw(exec->former_tid);
    if (former != tid) {
      in_flight_.erase(tid);
      auto it = in_flight_.find(former);
      if (it != in_flight_.end()) {
        in_flight_[tid] = std::move(it->second);
        in_flight_.erase(former);
      }
    }
  } else if (std::holds_alternative<TraceEnd>(e.body)) {
    if (ended_) return;
    ended_ = true;
    std::vector<int32_t> tids;
    for (const auto& [t, f] : in_flight_) tids.push_back(t);
    std::sort(tids.begin(), tids.end());
    for (int32_t t : tids) {
      const InFlight& f = in_flight_[t];
      note_unfinished(t, f, e.ts, f.interrupted ? "interrupted by a signal" : "in progress");
    }
    in_flight_.clear();
  }
}

void Summary::note_unfinished(int32_t tid, const InFlight& f, Nanos until, std::string why) {
  if (syscall_info(f.sysno).has(kNeverReturns)) return;  // exit, exit_group: never return
  std::string call;
  format::CallView view{f.sysno, f.number, f.args};
  format::format_call_head(call, view, format::FormatOptions{});
  if (call.size() >= 2 && call.compare(call.size() - 2, 2, ", ") == 0) {
    call.resize(call.size() - 2);
    call += ", ...";
  }
  call += ")";
  unfinished_.push_back({f.pid, tid, std::move(call), until - f.entered, std::move(why)});
}

std::string Summary::table() const {
  std::vector<Row> rows;
  for (std::size_t i = 0; i < known_.size(); ++i)
    if (known_[i].calls) rows.push_back({syscall_info(static_cast<SysNo>(i)).name, &known_[i], i});
  for (const auto& [number, s] : unknown_)
    rows.push_back({format::syscall_name(SysNo::unknown, number), &s,
                    known_.size() + static_cast<std::size_t>(number)});
  auto by = [&](auto key) {
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
      return key(a) > key(b);
    });
  };
  switch (sort_) {
    case SortKey::Time: by([](const Row& r) { return r.stat->time; }); break;
    case SortKey::Calls: by([](const Row& r) { return r.stat->calls; }); break;
    case SortKey::Errors: by([](const Row& r) { return r.stat->errors; }); break;
    case SortKey::Name:
      std::stable_sort(rows.begin(), rows.end(),
                       [](const Row& a, const Row& b) { return a.name < b.name; });
      break;
    case SortKey::Nothing: break;
  }

  Stat total;
  std::size_t name_max = 0;
  Nanos avg_max{0};
  for (const Row& r : rows) {
    total.calls += r.stat->calls;
    total.errors += r.stat->errors;
    total.time += r.stat->time;
    name_max = std::max(name_max, r.name.size());
    avg_max = std::max(avg_max, r.stat->time / static_cast<int64_t>(r.stat->calls));
  }
  double total_s = seconds(total.time);
  auto chars = [](const std::string& s) { return s.size(); };
  std::size_t w_pct = 6;
  std::size_t w_sec = std::max<std::size_t>(11, chars(fmt::format("{:.6f}", total_s)));
  std::size_t w_avg = std::max<std::size_t>(
      11, chars(fmt::format("{}", static_cast<uint64_t>(seconds(avg_max) * 1e6))));
  std::size_t w_calls = std::max<std::size_t>(9, chars(fmt::format("{}", total.calls)));
  std::size_t w_err = std::max<std::size_t>(9, chars(fmt::format("{}", total.errors)));
  std::size_t w_name = std::max<std::size_t>(16, name_max + 1);

  std::string out;
  auto rule = [&] {
    out += fmt::format("{} {} {} {} {} {}\n", std::string(w_pct, '-'), std::string(w_sec, '-'),
                       std::string(w_avg, '-'), std::string(w_calls, '-'),
                       std::string(w_err, '-'), std::string(w_name, '-'));
  };
  auto line = [&](double pct, Nanos time, uint64_t avg_us, uint64_t calls, uint64_t errors,
                  const std::string& name) {
    // strace prints errors with "%.0u": a zero count leaves the cell blank.
    std::string err = errors ? fmt::format("{}", errors) : std::string();
    out += fmt::format("{:>{}.2f} {:>{}.6f} {:>{}} {:>{}} {:>{}} {}\n", pct, w_pct, seconds(time),
                       w_sec, avg_us, w_avg, calls, w_calls, err, w_err, name);
  };
  out += fmt::format("{:>{}} {:>{}} {:>{}} {:>{}} {:>{}} {}\n", "% time", w_pct, "seconds", w_sec,
                     "usecs/call", w_avg, "calls", w_calls, "errors", w_err, "syscall");
  rule();
  for (const Row& r : rows) {
    double s = seconds(r.stat->time);
    double pct = s != 0.0 ? 100.0 * s / total_s : 0.0;
    auto avg = static_cast<uint64_t>(s / static_cast<double>(r.stat->calls) * 1e6);
    line(pct, r.stat->time, avg, r.stat->calls, r.stat->errors, r.name);
  }
  rule();
  uint64_t total_avg =
      total.calls ? static_cast<uint64_t>(total_s / static_cast<double>(total.calls) * 1e6) : 0;
  line(100.0, total.time, total_avg, total.calls, total.errors, "total");
  if (filtered_ && filter_.selects_all())
    out += light_
               ? "(light mode: counts only the syscalls gotrace stopped on: process, socket, connect, "
                 "limits, getrandom, and every call while the command was stuck or waiting for a "
                 "connection's first answer; --full counts them all)\n"
           : quiet_files_
               ? "(counts only the syscalls gotrace stopped on: process, fd, network, getrandom, and "
                 "reads/writes except of regular files, whose closes are not timed; --full counts them all)\n"
               : "(counts only the syscalls gotrace stopped on: process, fd, network, getrandom, "
                 "reads/writes; --full counts them all)\n";
  return out;
}

bool Summary::expected_error(SysNo s, int64_t ret) {
  if (ret <= -512) return true;  // ERESTART*: a signal interrupted it, the kernel restarts it
  switch (static_cast<int>(-ret)) {
    case EAGAIN:       // non-blocking read/write/accept with nothing ready (Go's netpoller)
    case EINPROGRESS:  // non-blocking connect, completed later
    case EINTR:
      return true;
    case ETIMEDOUT: return s == SysNo::futex;   // a timed park ran out
    case EPERM: return s == SysNo::epoll_ctl;   // Go registers regular files and ignores EPERM
    default: return false;
  }
}

std::string Summary::error_breakdown() const {
  struct Item {
    std::string text;
    uint64_t count;
  };
  std::vector<Item> real, expected;
  uint64_t n_real = 0, n_expected = 0;
  for (const auto& [key, count] : errors_) {
    auto [sys, err] = key;
    SysNo s = sys >= 0 ? static_cast<SysNo>(sys) : SysNo::unknown;
    std::string name = format::syscall_name(s, sys >= 0 ? syscall_number(kHostArch, s) : -1 - sys);
    Item item{fmt::format("{} {} {}", name, format::errno_name(err), count), count};
    if (expected_error(s, -static_cast<int64_t>(err))) {
      n_expected += count;
      expected.push_back(std::move(item));
    } else {
      n_real += count;
      real.push_back(std::move(item));
    }
  }
  if (n_real + n_expected == 0) return {};
  auto list = [](std::vector<Item>& v) {
    std::stable_sort(v.begin(), v.end(), [](const Item& a, const Item& b) { return a.count > b.count; });
    std::string out;
    for (std::size_t i = 0; i < v.size() && i < 6; ++i) out += (i ? ", " : ": ") + v[i].text;
    if (v.size() > 6) out += ", ...";
    return out;
  };
  return fmt::format("errors: {} real{} / {} expected (non-blocking I/O, futex timeouts, interrupted calls){}\n",
                     n_real, list(real), n_expected, list(expected));
}

std::string Summary::unfinished() const {
  if (unfinished_.empty()) return {};
  std::string out = fmt::format(
      "\n{} unfinished call{} (never returned to the program):\n"
      "{:>8} {:>8} {:>11}  call\n",
      unfinished_.size(), unfinished_.size() == 1 ? "" : "s", "pid", "tid", "seconds");
  std::vector<const Unfinished*> sorted;
  for (const Unfinished& u : unfinished_) sorted.push_back(&u);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Unfinished* a, const Unfinished* b) { return a->blocked > b->blocked; });
  for (const Unfinished* u : sorted)
    out += fmt::format("{:>8} {:>8} {:>11.6f}  {}  <{}>\n", u->pid, u->tid, seconds(u->blocked),
                       u->call, u->why);
  return out;
}

}  // namespace gotrace::analyzers
