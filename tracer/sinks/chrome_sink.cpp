// Chrome trace-event JSON. Layout in chrome_sink.h.
#include "chrome_sink.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <vector>

#include "gotrace/format.h"
#include "json_util.h"

namespace gotrace::sinks {
namespace {

// Microseconds with the nanoseconds kept as three decimals.
void append_us(std::string& out, Nanos t) {
  int64_t ns = t.count();
  if (ns >= 0)
    fmt::format_to(std::back_inserter(out), "{}.{:03}", ns / 1000, ns % 1000);
  else
    fmt::format_to(std::back_inserter(out), "{:.3f}", static_cast<double>(ns) / 1000.0);
}

std::string_view basename(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string call_text(SysNo sysno, int32_t number, const Args& args, int64_t ret, bool exited,
                      std::string_view ret_fd_target) {
  std::string s;
  format::CallView view{sysno, number, args, ret, exited, ret_fd_target};
  format::format_call_head(s, view, format::FormatOptions{});
  if (exited) {
    format::format_call_tail(s, view, format::FormatOptions{});
  } else {
    if (s.size() >= 2 && s.compare(s.size() - 2, 2, ", ") == 0) s.resize(s.size() - 2);
    s += " <unfinished ...>";
  }
  return s;
}

}  // namespace

ChromeSink::ChromeSink(Output& out) : out_(out) {
  out_.write("{\"traceEvents\":[");
}

ChromeSink::~ChromeSink() { finish(last_ts_); }

void ChromeSink::begin(char ph, std::string_view cat, Nanos ts, int32_t pid, int32_t tid) {
  ev_.clear();
  fmt::format_to(std::back_inserter(ev_), "{{\"ph\":\"{}\",\"cat\":\"{}\",\"pid\":{},\"tid\":{},\"ts\":",
                 ph, cat, pid, tid);
  append_us(ev_, ts);
}

void ChromeSink::commit() {
  out_.write(first_ ? "\n" : ",\n");
  first_ = false;
  out_.write(ev_);
}

void ChromeSink::name_meta(int32_t pid, int32_t tid, const std::vector<std::string>& argv) {
  if (argv.empty()) return;
  std::string name(basename(argv.front()));
  auto [it, added] = process_names_.try_emplace(pid, name);
  if (!added && it->second == name && pid == tid) return;  // exec of the same program
  it->second = name;
  for (const char* what : {"process_name", "thread_name"}) {
    ev_.clear();
    fmt::format_to(std::back_inserter(ev_), "{{\"ph\":\"M\",\"name\":\"{}\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":",
                   what, pid, tid);
    append_json_string(ev_, name);
    ev_ += "}}";
    commit();
  }
}

void ChromeSink::unfinished(int32_t tid, const InFlight& f, Nanos until, std::string_view why) {
  begin('X', "syscall", f.entered, f.pid, tid);
  ev_ += ",\"dur\":";
  append_us(ev_, std::max(until - f.entered, Nanos{0}));
  ev_ += ",\"name\":";
  append_json_string(ev_, format::syscall_name(f.sysno, f.number));
  ev_ += ",\"args\":{\"unfinished\":true,\"why\":";
  append_json_string(ev_, why);
  ev_ += ",\"call\":";
  append_json_string(ev_, call_text(f.sysno, f.number, f.args, 0, false, {}));
  ev_ += "}}";
  commit();
}

void ChromeSink::on_event(const Event& e) {
  if (closed_) return;
  last_ts_ = std::max(last_ts_, e.ts);
  int32_t pid = raw(e.pid), tid = raw(e.tid);
  if (const auto* enter = std::get_if<SyscallEnter>(&e.body)) {
    in_flight_[tid] = {pid, enter->sysno, enter->number, e.ts, enter->args};
  } else if (const auto* x = std::get_if<SyscallExit>(&e.body)) {
    in_flight_.erase(tid);
    begin('X', "syscall", x->entered, pid, tid);
    ev_ += ",\"dur\":";
    append_us(ev_, std::max(e.ts - x->entered, Nanos{0}));
    ev_ += ",\"name\":";
    append_json_string(ev_, format::syscall_name(x->sysno, x->number));
    fmt::format_to(std::back_inserter(ev_), ",\"args\":{{\"ret\":{}", x->ret);
    if (x->failed()) {
      ev_ += ",\"errno\":";
      append_json_string(ev_, format::errno_name(x->error()));
    }
    ev_ += ",\"call\":";
    append_json_string(ev_, call_text(x->sysno, x->number, x->args, x->ret, true, x->ret_fd_target));
    ev_ += "}}";
    commit();
  } else if (const auto* sig = std::get_if<Signal>(&e.body)) {
    begin('i', "signal", e.ts, pid, tid);
    std::string name = format::signal_name(sig->signo);
    if (sig->stop == SignalStop::GroupStop) name = "stopped by " + name;
    ev_ += ",\"s\":\"t\",\"name\":";
    append_json_string(ev_, name);
    fmt::format_to(std::back_inserter(ev_), ",\"args\":{{\"code\":{},\"sender_pid\":{}}}}}", sig->code,
                   sig->sender_pid);
    commit();
  } else if (const auto* gone = std::get_if<ThreadExit>(&e.body)) {
    if (auto it = in_flight_.find(tid); it != in_flight_.end()) {
      unfinished(tid, it->second, e.ts, "thread exited");
      in_flight_.erase(it);
    }
    int st = gone->wait_status;
    std::string name = WIFSIGNALED(st) ? "killed by " + format::signal_name(WTERMSIG(st))
                                       : fmt::format("exited with {}", WEXITSTATUS(st));
    begin('i', "exit", e.ts, pid, tid);
    ev_ += ",\"s\":\"t\",\"name\":";
    append_json_string(ev_, name);
    ev_ += '}';
    commit();
  } else if (const auto* ps = std::get_if<ProcessStart>(&e.body)) {
    name_meta(pid, tid, ps->argv);
  } else if (const auto* exec = std::get_if<Exec>(&e.body)) {
    if (int32_t former = raw(exec->former_tid); former != tid) {
      auto it = in_flight_.find(former);
      if (it != in_flight_.end()) {
        in_flight_[tid] = std::move(it->second);
        in_flight_.erase(former);
      }
    }
    name_meta(pid, tid, exec->argv);
  } else if (std::holds_alternative<ThreadStart>(e.body)) {
    auto it = process_names_.find(pid);
    if (it != process_names_.end()) {
      ev_.clear();
      fmt::format_to(std::back_inserter(ev_),
                     "{{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":", pid, tid);
      append_json_string(ev_, it->second);
      ev_ += "}}";
      commit();
    }
  } else if (std::holds_alternative<TraceEnd>(e.body)) {
    finish(e.ts);
  }
}

void ChromeSink::finish(Nanos at) {
  if (closed_) return;
  std::vector<int32_t> tids;
  for (const auto& [tid, f] : in_flight_) tids.push_back(tid);
  std::sort(tids.begin(), tids.end());  // deterministic output
  for (int32_t tid : tids) unfinished(tid, in_flight_[tid], at, "in progress at the end of the trace");
  in_flight_.clear();
  out_.write("\n],\"displayTimeUnit\":\"ms\"}\n");
  out_.flush();
  closed_ = true;
}

}  // namespace gotrace::sinks
