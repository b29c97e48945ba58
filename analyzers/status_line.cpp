// The live status line. See status_line.h.
#include "status_line.h"

#include <fmt/format.h>

#include <unordered_set>

namespace gotrace::analyzers {

void StatusLine::on_event(const Event& e) {
  if (start_ < Nanos{0}) start_ = e.ts;
  if (raw(e.tid) > 0) threads_[raw(e.tid)] = raw(e.pid);
  if (std::holds_alternative<SyscallExit>(e.body)) {
    ++calls_;
  } else if (const auto* ex = std::get_if<Exec>(&e.body)) {
    if (raw(ex->former_tid) != raw(e.tid)) threads_.erase(raw(ex->former_tid));
  } else if (std::holds_alternative<ThreadExit>(e.body)) {
    threads_.erase(raw(e.tid));
  } else if (const auto* t = std::get_if<Tick>(&e.body)) {
    bytes_ += t->io_bytes;
    out_.status(text(e.ts));
  } else if (std::holds_alternative<TraceEnd>(e.body)) {
    out_.erase_status();
    out_.flush();
  }
}

std::string StatusLine::text(Nanos now) const {
  std::unordered_set<int32_t> pids;
  for (const auto& [tid, pid] : threads_) pids.insert(pid);
  auto plural = [](std::size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
  };
  std::string line = fmt::format("gotrace: {}; {}, {}; {} seen; {} moved", seconds_text(now - start_),
                                 plural(pids.size(), "process", "processes"),
                                 plural(threads_.size(), "thread", "threads"), plural(calls_, "call", "calls"),
                                 bytes_text(bytes_));
  if (auto w = diag_.longest_wait(now); w && now - w->since >= std::chrono::milliseconds(500))
    line += fmt::format("; waiting {} for {}", seconds_text(now - w->since), w->what);
  // Cut to the terminal: bytes, not columns, but the line is ASCII but for a peer's name.
  const auto max = static_cast<std::size_t>(std::max(width_ - 1, 20));
  if (line.size() > max) line = line.substr(0, max - 3) + "...";
  return line;
}

}  // namespace gotrace::analyzers
