// RecordWriter: the recording sink. Streams every event to a .gtr file (record_format.h)
// through one reused buffer, so memory stays flat however long the trace.
#pragma once

#include <cstdint>
#include <string>

#include "gotrace/consumer.h"

namespace gotrace::record {

class RecordWriter final : public EventConsumer {
 public:
  // Creates PATH.partial and writes the header (flushed at once, so even a gotrace killed
  // before its first event leaves a readable file). `arch` numbers the syscalls recorded.
  // Throws SetupError when the file cannot be created.
  explicit RecordWriter(std::string path, Arch arch = kHostArch);
  // Flushes and closes. Without finish() (or a TraceEnd event) the file stays PATH.partial:
  // it replays as a truncated recording.
  ~RecordWriter() override;
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // Appends the event. Flushes at 256 KiB and at every Tick (so a killed gotrace loses at
  // most one tick period); TraceEnd calls finish(). Events after finish() are ignored.
  void on_event(const Event& e) override;

  // Flushes, closes, and renames PATH.partial to PATH. Idempotent. Never throws: a write
  // or rename failure (disk full, ...) leaves PATH.partial and is reported by error().
  void finish();

  bool finished() const { return finished_; }
  // Empty while every write succeeded; otherwise what failed. After a failure the writer
  // drops further events (the tracee must not be disturbed by a full disk).
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  std::string partial_path() const { return path_ + ".partial"; }
  uint64_t bytes_written() const { return bytes_written_; }
  uint64_t events_written() const { return events_written_; }

 private:
  void encode(const Event& e);
  void flush();
  void fail(const std::string& what, int err);

  std::string path_;
  Arch arch_;
  int fd_ = -1;
  bool finished_ = false;
  std::string error_;
  std::string buf_;
  int64_t prev_ts_ = 0;
  uint64_t bytes_written_ = 0;
  uint64_t events_written_ = 0;
};

}  // namespace gotrace::record
