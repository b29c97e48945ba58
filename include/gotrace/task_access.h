// What a decoder may ask of a stopped tracee: its memory and its fd table. The engine
// implements it with process_vm_readv and /proc; unit tests use FakeTask.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gotrace {

class TaskAccess {
 public:
  virtual ~TaskAccess() = default;

  // Appends up to `len` bytes read at `addr` to `out`. Returns the number of bytes
  // appended (less than len if the range ends in unmapped memory), or -errno when not even
  // the first byte could be read.
  virtual long read(uint64_t addr, std::size_t len, std::string& out) = 0;

  // Appends the NUL-terminated string at `addr` (without the NUL), at most `max` bytes.
  // Returns its length, or -errno. Sets `truncated` when no NUL was found within `max`.
  virtual long read_cstring(uint64_t addr, std::size_t max, std::string& out, bool& truncated) = 0;

  // Sets `out` to what the fd refers to ("/path", "socket:[123]", "pipe:[45]", or with
  // detail 2 a socket description such as "TCP:[127.0.0.1:5->127.0.0.1:6]").
  // Returns false when the fd is not open.
  virtual bool fd_target(int fd, int detail, std::string& out) = 0;
};

}  // namespace gotrace
