// ReplaySource: reads a .gtr recording (record_format.h) and feeds its events to a
// consumer, exactly as the live source fed them to the RecordWriter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gotrace/consumer.h"

namespace gotrace::record {

class ReplaySource final : public EventSource {
 public:
  // Opens the file and checks its header. Throws RecordFormatError, naming the file, when
  // it cannot be read, is empty, is not a gotrace recording (magic), ends inside the
  // header, or has a format version newer than this reader.
  explicit ReplaySource(std::string path);
  ReplaySource(const ReplaySource&) = delete;
  ReplaySource& operator=(const ReplaySource&) = delete;

  // Emits every record's event in order; the event object passed is reused between calls
  // (valid only during on_event, as the EventConsumer contract says). Unknown tags are
  // skipped. Stops after TraceEnd. If the file ends without one (gotrace was killed, the
  // disk filled up), emits every whole record, then TraceEnd{Truncated} at the last ts,
  // and truncated() becomes true; that is not an error.
  // Throws RecordFormatError "FILE: corrupt record at offset N: why" for a record that
  // cannot be decoded (field past the record's end, enum value out of range, impossible
  // length). Reads a pipe too; a second run (from the first record again) needs a file.
  void run(EventConsumer& out) override;

  bool truncated() const { return truncated_; }
  Arch arch() const { return arch_; }
  uint16_t format_version() const { return version_; }
  const std::string& writer_version() const { return writer_version_; }
  uint64_t events_read() const { return events_; }
  uint64_t records_skipped() const { return skipped_; }  // unknown tags

 private:
  // Makes `need` bytes available at pos_ (false at the end of the file).
  bool fill(std::size_t need) { return end_ - pos_ >= need || refill(need); }
  bool refill(std::size_t need);
  uint64_t offset() const { return file_off_ + pos_; }
  [[noreturn]] void corrupt(uint64_t at, const std::string& why) const;

  // Closes the file also when the constructor throws.
  struct FileDescriptor {
    int fd = -1;
    FileDescriptor() = default;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();
  };

  std::string path_;
  FileDescriptor file_;
  Arch arch_ = kHostArch;
  uint16_t version_ = 0;
  std::string writer_version_;
  uint64_t header_size_ = 0;
  bool truncated_ = false;
  int runs_ = 0;
  uint64_t events_ = 0;
  uint64_t skipped_ = 0;

  // Read buffer: bytes [pos_, end_) of buf_ are file bytes from file_off_ + pos_ on.
  std::vector<unsigned char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  uint64_t file_off_ = 0;
  bool eof_ = false;
};

}  // namespace gotrace::record
