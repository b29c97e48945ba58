// strace-style text output. See text_sink.h.
#include "text_sink.h"

#include <fmt/format.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <variant>

namespace gotrace::sinks {

void TextSink::begin_line(const Event& e) {
  line_.clear();
  int32_t tid = raw(e.tid);
  // Formatted into a local buffer: fmt's back_inserter on a string appends char by char.
  char prefix[32];
  if (opt_.pid_column || (opt_.to_file && pid_column_))
    line_.append(prefix, fmt::format_to_n(prefix, sizeof prefix, "{:<5} ", tid).size);
  else if (live_.size() > 1)
    line_.append(prefix, fmt::format_to_n(prefix, sizeof prefix, "[pid {:>5}] ", tid).size);
  if (opt_.timestamps != Timestamps::None) {
    int64_t ns = wall_base_ns_ + e.ts.count();
    time_t secs = static_cast<time_t>(ns / 1'000'000'000);
    long micros = static_cast<long>((ns % 1'000'000'000) / 1000);
    if (opt_.timestamps == Timestamps::Epoch) {
      fmt::format_to(std::back_inserter(line_), "{}.{:06} ", secs, micros);
    } else {
      tm local{};
      localtime_r(&secs, &local);
      fmt::format_to(std::back_inserter(line_), "{:02}:{:02}:{:02}", local.tm_hour, local.tm_min,
                     local.tm_sec);
      if (opt_.timestamps == Timestamps::Micros)
        fmt::format_to(std::back_inserter(line_), ".{:06}", micros);
      line_ += ' ';
    }
  }
}

void TextSink::close_open_line() {
  if (open_tid_ == 0) return;
  line_ += " <unfinished ...>\n";
  out_.write(line_);
  out_.end_line();
  line_.clear();
  open_tid_ = 0;
}

void TextSink::finish_line() {
  line_ += '\n';
  out_.write(line_);
  out_.end_line();
  line_.clear();
}

void TextSink::on_event(const Event& e) {
  if (!opt_.children) {
    const auto* start = std::get_if<ProcessStart>(&e.body);
    if (start && raw(start->parent) != 0) {  // a child of a traced process: not shown
      hidden_.insert(raw(e.pid));
      return;
    }
    if (!hidden_.empty() && hidden_.count(raw(e.pid))) {
      if (std::holds_alternative<ThreadExit>(e.body) && raw(e.tid) == raw(e.pid)) hidden_.erase(raw(e.pid));
      return;
    }
  }
  std::visit([&](const auto& body) { handle(e, body); }, e.body);
}

// -P: the call names one of the paths, or uses an fd open on one (its -y target).
bool TextSink::on_paths(SysNo s, const Args& args) const {
  const SyscallInfo& info = syscall_info(s);
  for (int i = 0; i < info.nargs; ++i) {
    const ArgKind k = info.kinds[i];
    const Arg& a = args[static_cast<std::size_t>(i)];
    if ((k != ArgKind::Path && k != ArgKind::Fd && k != ArgKind::DirFd) || a.data.empty()) continue;
    const std::string_view name(a.data.data(), strnlen(a.data.data(), a.data.size()));  // (-yy: "path\0char 1:3")
    for (const std::string& p : opt_.paths)
      if (name == p) return true;
  }
  return false;
}

void TextSink::handle(const Event& e, const SyscallEnter& enter) {
  if (!opt_.filter.selected(enter.sysno)) return;
  if (!opt_.paths.empty() && !on_paths(enter.sysno, enter.args)) return;
  int32_t tid = raw(e.tid);
  close_open_line();
  begin_line(e);
  format::CallView view{enter.sysno, enter.number, enter.args};
  format::format_call_head(line_, view, opt_.format);
  if (syscall_info(enter.sysno).has(kNeverReturns)) {  // exit, exit_group: "= ?" now, as strace
    format::format_call_tail(line_, view, opt_.format);
    finish_line();
    done_call_[tid] = enter.call;
    return;
  }
  open_tid_ = tid;
  shown_[tid] = true;
  entry_call_[tid] = enter.call;
}

void TextSink::handle(const Event& e, const SyscallExit& exit) {
  int32_t tid = raw(e.tid);
  bool shown = false;
  if (auto it = shown_.find(tid); it != shown_.end()) std::swap(shown, it->second);
  if (!opt_.filter.selected(exit.sysno)) return;
  if (exit.entry_seen && !shown) return;  // entry was hidden (e.g. before -e changed)
  if (!exit.entry_seen && !opt_.paths.empty() && !on_paths(exit.sysno, exit.args)) return;
  format::CallView view{exit.sysno, exit.number, exit.args, exit.ret, true, exit.ret_fd_target};
  if (open_tid_ != tid) {
    close_open_line();
    begin_line(e);
    line_ += "<... ";
    line_ += format::syscall_name(exit.sysno, exit.number);
    line_ += " resumed>";
  }
  open_tid_ = 0;
  format::format_call_tail(line_, view, opt_.format);
  if (opt_.durations) {
    int64_t ns = (e.ts - exit.entered).count();
    fmt::format_to(std::back_inserter(line_), " <{}.{:06}>", ns / 1'000'000'000,
                   (ns % 1'000'000'000) / 1000);
  }
  finish_line();
  // -e write= / -e read=: the data moved, in hex (a failed read moved none)
  const SyscallInfo& info = syscall_info(exit.sysno);
  if ((!opt_.dump_write.empty() && info.has(kSends) && opt_.dump_write.has(exit.sarg(0))) ||
      (!opt_.dump_read.empty() && info.has(kReceives) && !exit.failed() && opt_.dump_read.has(exit.sarg(0)))) {
    format::format_io_dump(line_, view, tid);
    out_.write(line_);
    line_.clear();
  }
  done_call_[tid] = exit.call;
  auto pending = pending_stack_.find(tid);
  if (pending != pending_stack_.end()) {
    if (pending->second.first == exit.call) {
      out_.write(pending->second.second);
      out_.end_line();
    }
    pending_stack_.erase(pending);
  }
}

void TextSink::handle(const Event& e, const Stack& st) {
  if (!opt_.show_stacks) return;
  int32_t tid = raw(e.tid);
  std::string text;
  for (const StackFrame& f : st.frames) {
    text += " > ";
    format::format_stack_frame(text, f);
    text += '\n';
  }
  if (!st.note.empty()) text += " > (" + st.note + ")\n";
  auto entry = entry_call_.find(tid);
  auto shown = shown_.find(tid);
  if (shown != shown_.end() && shown->second && entry != entry_call_.end() && entry->second == st.call) {
    pending_stack_[tid] = {st.call, std::move(text)};  // the exit line comes later
    return;
  }
  auto done = done_call_.find(tid);
  if (done == done_call_.end() || done->second != st.call) return;  // its call was not shown
  if (open_tid_ != 0 && open_tid_ != tid) close_open_line();
  out_.write(text);
  out_.end_line();
}

void TextSink::handle(const Event& e, const Signal& sig) {
  if (!opt_.signals.has(sig.signo)) return;
  close_open_line();
  begin_line(e);
  format::format_signal(line_, sig);
  finish_line();
}

void TextSink::handle(const Event& e, const ThreadExit& gone) {
  int32_t tid = raw(e.tid);
  close_open_line();
  begin_line(e);
  format::format_exit(line_, gone.wait_status);
  finish_line();
  live_.erase(tid);
  shown_.erase(tid);
  pending_stack_.erase(tid);
  entry_call_.erase(tid);
  done_call_.erase(tid);
}

// Once two tasks were traced, every line carries its pid from then on (to a file).
void TextSink::handle(const Event& e, const ProcessStart&) {
  live_.insert(raw(e.tid));
  pid_column_ = pid_column_ || live_.size() > 1;
}

void TextSink::handle(const Event& e, const ThreadStart&) {
  live_.insert(raw(e.tid));
  pid_column_ = pid_column_ || live_.size() > 1;
}

void TextSink::handle(const Event& e, const Exec& exec) {
  int32_t tid = raw(e.tid);
  int32_t former = raw(exec.former_tid);
  if (former == tid) return;
  live_.erase(former);
  live_.insert(tid);
  if (auto it = shown_.find(former); it != shown_.end()) {
    bool shown = it->second;
    shown_.erase(it);
    shown_[tid] = shown;
  }
  if (open_tid_ == former) open_tid_ = tid;
}

void TextSink::handle(const Event&, const TraceStart& start) {
  wall_base_ns_ = start.wall_clock_ns;
}

void TextSink::handle(const Event&, const Tick&) { out_.flush(); }

void TextSink::handle(const Event&, const TraceEnd& end) {
  if (open_tid_ != 0 && end.reason == EndReason::Detached) {
    line_ += " <detached ...>\n";  // as strace ends a call it leaves in progress
    out_.write(line_);
    open_tid_ = 0;
  }
  close_open_line();
  out_.flush();
}

}  // namespace gotrace::sinks
