// A buffered writer on a file descriptor: what sinks and reports write to. Retries on
// EINTR (gotrace's own timer signal interrupts syscalls) and on short writes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace gotrace {

class Output {
 public:
  explicit Output(int fd, bool own = false);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Opens (truncates) a file. Throws SetupError on failure.
  static std::unique_ptr<Output> open_file(const std::string& path);

  void write(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kFlushAt) flush();
  }
  // Flushes when the destination is a terminal, so a live trace appears line by line.
  void end_line() {
    if (interactive_) flush();
  }
  void flush();
  bool is_file() const { return regular_file_; }

 private:
  static constexpr std::size_t kFlushAt = 64 * 1024;
  int fd_;
  bool own_;
  bool interactive_ = false;
  bool regular_file_ = false;
  bool failed_ = false;
  std::string buf_;
};

}  // namespace gotrace
