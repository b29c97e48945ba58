// File locks from /proc/locks, read without stopping anyone: who holds the lock a traced
// process waits for (flock, fcntl F_SETLKW / F_OFD_SETLKW), and what that holder is doing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gotrace::engine {

// One line of /proc/locks: "1: FLOCK  ADVISORY  WRITE 4242 00:2d:1234 0 EOF", or a waiter
// blocked on that lock: "1: -> FLOCK  ADVISORY  WRITE 4243 00:2d:1234 0 EOF".
struct FileLock {
  int64_t id = 0;
  bool waiter = false;
  std::string type;    // FLOCK, POSIX, OFDLCK, LEASE...
  std::string access;  // READ, WRITE
  int32_t pid = 0;     // -1 for OFD locks (no owner process)
  uint32_t major = 0, minor = 0;
  uint64_t inode = 0;
};

// The lines of a /proc/locks text; lines that do not parse are left out.
std::vector<FileLock> parse_file_locks(std::string_view text);
std::vector<FileLock> read_file_locks();  // of /proc/locks; empty when unreadable

// The lock `pid` is blocked on for the file (major:minor:inode), if any: the holder's line
// (waiter = false). Returns false when `pid` waits on no lock of that file.
bool lock_holder(const std::vector<FileLock>& locks, int32_t pid, uint32_t major, uint32_t minor,
                 uint64_t inode, FileLock& holder);

// What a process is: "go mod download" (its command line, shortened), and what its main
// thread is doing: "in epoll_pwait", "running"; "" when it is gone.
std::string describe_process(int32_t pid);

}  // namespace gotrace::engine
