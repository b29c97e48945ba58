// strace log -> events, in two passes (see strace_import.h); line syntax in strace_line.cpp.
#include "strace_import.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <ctime>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "gotrace/error.h"
#include "gotrace/version.h"
#include "strace_line.h"

namespace gotrace::record {
namespace {

using strace::LineKind;
using strace::ParsedLine;
using strace::TimeKind;

constexpr int64_t kDayNs = 86'400'000'000'000;
constexpr int64_t kMaxDays = 36'500;  // midnights counted in one log, at most
constexpr int32_t kUnknownPid = 1;     // the pid of unprefixed lines when nothing names it

// a + b without overflow (a log can claim any time or duration).
Nanos add_sat(Nanos a, Nanos b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a.count(), b.count(), &r)) return b.count() > 0 ? Nanos::max() : Nanos::min();
  return Nanos(r);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Reads logical lines with getline(3); throws on a read error. strace writing to a
// terminal (no -o) puts "strace: Process N attached" in the middle of the line it was
// printing: such a message comes out as a line of its own, and the interrupted line is
// joined with the next one.
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "re")) {
    if (!f_) throw RecordFormatError(path + ": cannot open strace log: " + std::strerror(errno));
  }
  ~LineReader() { std::free(buf_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool next(std::string_view& line) {
    {
      ssize_t n = ::getline(&buf_, &cap_, f_.get());
      if (n < 0) {
        if (std::ferror(f_.get()))
          throw RecordFormatError(path_ + ": cannot read strace log: " + std::strerror(errno));
        if (carry_.empty()) return false;
        line_.swap(carry_);
        carry_.clear();
      } else {
        ++physical_;
        if (carry_.empty()) number_ = physical_;
        line_.assign(carry_).append(buf_, static_cast<std::size_t>(n));
        carry_.clear();
        std::size_t at = line_.find("strace: Process ");
        if (at != std::string::npos && at > 0 && line_.find('"', at) == std::string::npos &&
            strace::parse_line(std::string_view(line_).substr(at), false).kind != LineKind::Note) {
          carry_.assign(line_, 0, at);
          line_.erase(0, at);
        }
      }
    }
    line = line_;
    return true;
  }
  // Number (1-based) of the physical line where the last logical line began.
  uint64_t number() const { return number_; }

 private:
  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> f_;
  char* buf_ = nullptr;
  std::size_t cap_ = 0;
  std::string line_, carry_;
  uint64_t physical_ = 0, number_ = 0;
};

bool is_clone(std::string_view name) {
  return name == "clone" || name == "clone3" || name == "fork" || name == "vfork";
}
bool creates_thread(std::string_view name, std::string_view args) {
  return (name == "clone" || name == "clone3") && args.find("CLONE_THREAD") != std::string_view::npos;
}

std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t e = s.find('\0', i);
    if (e == std::string::npos) e = s.size();
    v.emplace_back(s, i, e - i);
    i = e + 1;
  }
  return v;
}

// What the first pass learns.
struct Survey {
  struct Child {
    int32_t parent_tid;  // -1: the unprefixed main process
    bool thread;
  };
  std::unordered_map<int32_t, Child> children;
  std::vector<int32_t> attached;
  std::vector<int32_t> prefixed;  // pids in order of first appearance
  bool unprefixed_lines = false;
  TimeKind time_kind = TimeKind::None;
  int64_t first_time = 0;
  std::vector<std::string> command;
  bool command_seen = false;
};

Survey survey(const std::string& path) {
  Survey s;
  LineReader in(path);
  std::unordered_map<int32_t, std::string> clone_heads;
  std::unordered_set<int32_t> seen;
  bool summary = false;
  std::string_view line;
  while (in.next(line)) {
    ParsedLine p = strace::parse_line(line, summary);
    if (p.kind == LineKind::Summary) summary = true;
    if (p.kind == LineKind::Unparsed || p.kind == LineKind::Summary || p.kind == LineKind::Blank ||
        p.kind == LineKind::Note)
      continue;
    if (p.kind == LineKind::Attached) {
      s.attached.push_back(p.other_pid);
      continue;
    }
    if (p.time_kind != TimeKind::None && s.time_kind == TimeKind::None) {
      s.time_kind = p.time_kind;
      s.first_time = p.time_ns;
    }
    if (p.pid < 0) s.unprefixed_lines = true;
    else if (seen.insert(p.pid).second) s.prefixed.push_back(p.pid);
    if ((p.kind == LineKind::Call || p.kind == LineKind::Unfinished) && !s.command_seen) {
      s.command_seen = true;
      if (p.name == "execve") {
        Args a;
        strace::parse_args(p.args, SysNo::execve, false, a);
        s.command = split_nul(a[1].data);
      }
    }
    if (!is_clone(p.name)) continue;
    if (p.kind == LineKind::Unfinished) {
      clone_heads[p.pid] = std::string(p.args);
    } else if ((p.kind == LineKind::Call || p.kind == LineKind::Resumed) && p.has_ret && p.ret > 0 &&
               p.ret <= INT32_MAX) {
      std::string text(p.args);
      if (p.kind == LineKind::Resumed) text = clone_heads[p.pid] + text;
      s.children[static_cast<int32_t>(p.ret)] = {p.pid, creates_thread(p.name, text)};
    }
  }
  // Children print "attached" too (strace without -o); only the others were attached.
  std::erase_if(s.attached, [&](int32_t pid) { return s.children.count(pid) > 0; });
  if (!s.attached.empty()) s.command.clear();  // attached to, not launched
  return s;
}

// The second pass: lines -> events.
class Emitter {
 public:
  Emitter(EventConsumer& out, const Survey& s) : out_(out), s_(s) {
    for (int32_t p : s.prefixed)
      if (!s.children.count(p)) {
        main_pid_ = p;
        break;
      }
    if (!s.attached.empty()) main_pid_ = s.attached.front();
    if (main_pid_ < 0 && s.unprefixed_lines) main_pid_ = kUnknownPid;
  }

  void start() {
    int64_t wall = s_.first_time;
    if (s_.time_kind == TimeKind::TimeOfDay) {
      std::tm tm{};
      tm.tm_year = 70;
      tm.tm_mday = 2;
      tm.tm_sec = static_cast<int>(s_.first_time / 1'000'000'000);
      tm.tm_isdst = -1;
      wall = static_cast<int64_t>(std::mktime(&tm)) * 1'000'000'000 + s_.first_time % 1'000'000'000;
    }
    emit(Nanos{0}, 0, 0, TraceStart{wall, kHostArch, GOTRACE_VERSION, s_.command, s_.attached});
  }

  // Returns false for a line it could not use.
  bool line(const ParsedLine& p) {
    Nanos ts = time_of(p);
    int32_t tid = p.pid < 0 ? main_pid_ : p.pid;
    switch (p.kind) {
      case LineKind::Call:
      case LineKind::Unfinished:
      case LineKind::Resumed: return call(p, tid, ts);
      case LineKind::Signal:
        emit(ts, task(tid, ts), tid,
             Signal{p.signo, SignalStop::Delivery,
                    static_cast<int32_t>(strace::info_field(p.sig_info, "si_code", 0)),
                    static_cast<int32_t>(strace::info_field(p.sig_info, "si_pid", 0)),
                    static_cast<int32_t>(strace::info_field(p.sig_info, "si_uid", 0)),
                    static_cast<int32_t>(strace::info_field(p.sig_info, "si_status", 0)),
                    static_cast<uint64_t>(strace::info_field(p.sig_info, "si_addr", 0))});
        return true;
      case LineKind::GroupStop:
        emit(ts, task(tid, ts), tid, Signal{p.signo, SignalStop::GroupStop, 0, 0, 0, 0, 0});
        return true;
      case LineKind::Exited:
      case LineKind::Killed: {
        int status = p.kind == LineKind::Exited ? p.exit_code << 8 : p.signo | (p.core_dumped ? 0x80 : 0);
        emit(ts, task(tid, ts), tid, ThreadExit{status});
        if (tid == main_pid_) main_status_ = status;
        tasks_.erase(tid);
        pending_.erase(tid);
        last_error_.erase(tid);  // strace drops the thread's tcb: a reused tid starts clean
        return true;
      }
      case LineKind::Superseded: {
        // ptrace(2): a non-leader thread exec'd and took the leader's tid; the old leader
        // is gone. As live gotrace: ThreadExit for it, then Exec{former_tid} at exit.
        int32_t pid = task(tid, ts);
        emit(ts, pid, tid, ThreadExit{0});
        auto it = pending_.find(p.other_pid);
        if (it != pending_.end()) {
          pending_[tid] = std::move(it->second);
          pending_.erase(p.other_pid);
        }
        tasks_.erase(p.other_pid);
        superseded_[tid] = p.other_pid;
        // The exec'ing thread goes on as the leader's tid, with its own state.
        if (auto e = last_error_.find(p.other_pid); e != last_error_.end()) {
          last_error_[tid] = e->second;
          last_error_.erase(e);
        } else {
          last_error_.erase(tid);
        }
        return true;
      }
      case LineKind::Attached: task(p.other_pid, ts); return true;
      case LineKind::Detached:
        detached_ = true;
        tasks_.erase(p.other_pid);
        return true;
      case LineKind::Blank:
      case LineKind::Summary:
      case LineKind::Note: return true;
      case LineKind::Unparsed: return false;
    }
    return false;
  }

  void end() {
    EndReason why = detached_ ? EndReason::Detached
                    : tasks_.empty() ? EndReason::AllExited : EndReason::Interrupted;
    emit(last_ts_, 0, 0, TraceEnd{why, main_status_});
  }

 private:
  struct Pending {
    std::string head;
    std::string name;
    uint64_t call = 0;
    Nanos entered{0};
  };

  template <typename Body>
  void emit(Nanos ts, int32_t pid, int32_t tid, Body&& body) {
    if (ts > last_ts_) last_ts_ = ts;
    Event e{ts, Pid{pid}, Tid{tid}, std::forward<Body>(body)};
    out_.on_event(e);
  }

  Nanos time_of(const ParsedLine& p) {
    if (p.time_kind == TimeKind::None || p.time_kind != s_.time_kind) return last_ts_;
    int64_t t = p.time_ns + day_offset_;
    if (p.time_kind == TimeKind::TimeOfDay && t < prev_time_ - kDayNs / 2 && day_offset_ < kMaxDays * kDayNs) {
      day_offset_ += kDayNs;  // past midnight
      t += kDayNs;
    }
    prev_time_ = t;
    return Nanos(t - s_.first_time);
  }

  // The tgid of `tid`, announcing the task first if it is new.
  int32_t task(int32_t tid, Nanos ts) {
    auto it = tasks_.find(tid);
    if (it != tasks_.end()) return it->second;
    auto child = s_.children.find(tid);
    if (child != s_.children.end()) {
      int32_t parent = child->second.parent_tid < 0 ? main_pid_ : child->second.parent_tid;
      auto pt = tasks_.find(parent);
      int32_t parent_pid = pt != tasks_.end() ? pt->second : parent;
      if (child->second.thread) {
        tasks_[tid] = parent_pid;
        emit(ts, parent_pid, tid, ThreadStart{Tid{parent}});
      } else {
        tasks_[tid] = tid;
        argv_of_[tid] = argv_of_[parent_pid];
        emit(ts, tid, tid, ProcessStart{Pid{parent_pid}, argv_of_[tid]});
      }
      return tasks_[tid];
    }
    bool attached = std::find(s_.attached.begin(), s_.attached.end(), tid) != s_.attached.end();
    if (tid == main_pid_ || attached || first_) {
      first_ = false;
      if (main_pid_ < 0) main_pid_ = tid;
      tasks_[tid] = tid;
      argv_of_[tid] = attached ? std::vector<std::string>{} : s_.command;
      emit(ts, tid, tid, ProcessStart{Pid{0}, argv_of_[tid]});
      return tid;
    }
    // A tid from nowhere (strace attached to it, or its clone line is missing).
    int32_t pid = main_pid_ > 0 ? main_pid_ : tid;
    tasks_[tid] = pid;
    emit(ts, pid, tid, ThreadStart{Tid{pid}});
    return pid;
  }

  bool call(const ParsedLine& p, int32_t tid, Nanos ts) {
    SysNo sysno = SysNo::unknown;
    int32_t number = -1;
    if (!strace::resolve_syscall(p.name, sysno, number)) return false;
    int32_t pid = task(tid, ts);
    if (p.kind != LineKind::Resumed) {
      SyscallEnter enter{++calls_, sysno, number, {}};
      strace::parse_args(p.args, sysno, false, enter.args);
      uint64_t call = enter.call;
      emit(ts, pid, tid, std::move(enter));
      if (p.kind == LineKind::Unfinished) {
        pending_[tid] = {std::string(p.args), std::string(p.name), call, ts};
      } else if (p.has_ret || p.ret_unavailable) {
        finish(p, pid, tid, sysno, number, call, std::string(p.args), ts,
               add_sat(ts, p.has_dur ? Nanos(p.dur_ns) : Nanos(0)), true);
      }
      return true;
    }
    auto it = pending_.find(tid);
    if (it != pending_.end() && it->second.name == p.name) {
      Pending head = std::move(it->second);
      pending_.erase(it);
      if (p.has_ret || p.ret_unavailable)
        finish(p, pid, tid, sysno, number, head.call, head.head + std::string(p.args), head.entered, ts,
               true);
      return true;
    }
    if (it != pending_.end()) pending_.erase(it);
    if (p.has_ret || p.ret_unavailable)  // the entry came before the log started
      finish(p, pid, tid, sysno, number, ++calls_, std::string(p.args),
             add_sat(ts, p.has_dur ? Nanos(-p.dur_ns) : Nanos(0)), ts, false);
    return true;
  }

  void finish(const ParsedLine& p, int32_t pid, int32_t tid, SysNo sysno, int32_t number,
              uint64_t call, const std::string& text, Nanos entered, Nanos ts, bool entry_seen) {
    // strace -c counts a "= ? <unavailable>" call (registers unreadable as the process died)
    // with the error its thread's previous call left in tcp->u_error, which nothing resets
    // (strace 6.1 syscall.c get_syscall_result, count.c count_syscall): so does the import.
    int64_t ret = p.ret;
    if (p.ret_unavailable && !p.has_ret) {
      auto it = last_error_.find(tid);
      ret = it != last_error_.end() ? it->second : 0;
    } else {
      last_error_[tid] = p.ret < 0 ? p.ret : 0;
    }
    SyscallExit x{call, sysno, number, ret, entered, entry_seen, {}, std::string(p.ret_note)};
    strace::parse_args(text, sysno, true, x.args);
    if ((sysno == SysNo::execve || sysno == SysNo::execveat) && p.ret == 0) {
      std::size_t path = sysno == SysNo::execveat ? 1 : 0;
      int32_t former = tid;
      if (auto s = superseded_.find(tid); s != superseded_.end()) {
        former = s->second;
        superseded_.erase(s);
      }
      Exec e{x.args[path].data, split_nul(x.args[path + 1].data), Tid{former}};
      argv_of_[pid] = e.argv;
      emit(ts, pid, tid, std::move(e));
    }
    if (is_clone(p.name) && p.ret > 0 && p.ret <= INT32_MAX) task(static_cast<int32_t>(p.ret), ts);
    emit(ts, pid, tid, std::move(x));
  }

  EventConsumer& out_;
  const Survey& s_;
  int32_t main_pid_ = -1;
  bool first_ = true;
  std::unordered_map<int32_t, int32_t> tasks_;  // tid -> tgid, tasks alive
  std::unordered_map<int32_t, std::vector<std::string>> argv_of_;
  std::unordered_map<int32_t, Pending> pending_;
  std::unordered_map<int32_t, int32_t> superseded_;  // leader -> exec'ing thread
  std::unordered_map<int32_t, int64_t> last_error_;  // tid -> -errno of its last call (0: none)
  uint64_t calls_ = 0;
  int32_t main_status_ = -1;
  bool detached_ = false;
  Nanos last_ts_{0};
  int64_t day_offset_ = 0;
  int64_t prev_time_ = INT64_MIN / 2;
};

}  // namespace

StraceLogSource::StraceLogSource(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0)
    throw RecordFormatError(path_ + ": cannot open strace log: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw RecordFormatError(path_ + ": not a regular file (an strace log is read twice)");
  if (st.st_size == 0) throw RecordFormatError(path_ + ": empty file, not an strace log");
}

void StraceLogSource::run(EventConsumer& out) {
  lines_ = skipped_ = calls_ = 0;
  first_skipped_.clear();
  Survey s = survey(path_);
  Emitter em(out, s);
  em.start();
  LineReader in(path_);
  bool summary = false;
  std::string_view text;
  while (in.next(text)) {
    lines_ = in.number();
    ParsedLine p = strace::parse_line(text, summary);
    if (p.kind == LineKind::Summary) summary = true;
    bool call = p.kind == LineKind::Call || p.kind == LineKind::Unfinished || p.kind == LineKind::Resumed;
    if (!em.line(p)) {
      ++skipped_;
      if (first_skipped_.size() < kFirstSkippedKept) first_skipped_.push_back(in.number());
    } else if (call) {
      ++calls_;
    }
  }
  em.end();
}

}  // namespace gotrace::record
