// A buffered writer on a file descriptor: what sinks and reports write to. Retries on
// EINTR (gotrace's own timer signal interrupts syscalls) and on short writes. A write that
// fails (ENOSPC, EIO, EPIPE...) drops the rest, never disturbing the tracee, and is kept
// (error()) for the caller to report once, with the output's name.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace gotrace {

class Output {
 public:
  // `name` says which output it is in error messages: the file's path, "stderr".
  explicit Output(int fd, bool own = false, std::string name = "");
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Opens (truncates) a file. Throws SetupError on failure.
  static std::unique_ptr<Output> open_file(const std::string& path);

  void write(std::string_view s) {
    if (status_shown_) erase_status();
    buf_.append(s);
    if (buf_.size() >= kFlushAt) flush();
  }
  // A line redrawn in place on a terminal (the live status line): written at once, with no
  // newline, over the previous one; erased before anything else is written here. The
  // caller keeps it shorter than the terminal is wide (a wrapped line cannot be erased).
  void status(std::string_view line);
  void erase_status() {
    if (!status_shown_) return;
    status_shown_ = false;
    buf_.append("\r\033[K");
  }
  // Flushes when the destination is a terminal, so a live trace appears line by line.
  void end_line() {
    if (interactive_) flush();
  }
  void flush();
  // Flushes and closes an owned fd (a close can report a write error too, e.g. on NFS).
  void close();
  bool is_file() const { return regular_file_; }
  int error() const { return error_; }  // the first write or close error (errno), 0 if none
  const std::string& name() const { return name_; }

 private:
  static constexpr std::size_t kFlushAt = 64 * 1024;
  int fd_;
  bool own_;
  bool interactive_ = false;
  bool regular_file_ = false;
  int error_ = 0;
  bool status_shown_ = false;
  std::string name_;
  std::string buf_;
};

}  // namespace gotrace
