// Buffered fd writer. See output.h.
#include "gotrace/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gotrace/error.h"

namespace gotrace {

Output::Output(int fd, bool own, std::string name) : fd_(fd), own_(own), name_(std::move(name)) {
  interactive_ = isatty(fd) == 1;
  struct stat st {};
  regular_file_ = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  buf_.reserve(kFlushAt + 4096);
}

Output::~Output() { close(); }

void Output::close() {
  flush();
  if (own_ && fd_ >= 0 && ::close(fd_) != 0 && error_ == 0) error_ = errno;
  if (own_) fd_ = -1;
}

std::unique_ptr<Output> Output::open_file(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw SetupError("cannot open output file '" + path + "': " + std::strerror(errno), errno);
  return std::make_unique<Output>(fd, true, path);
}

void Output::status(std::string_view line) {
  status_shown_ = false;
  buf_.append("\r");  // over the previous one, then clear what it left past the new end
  buf_.append(line);
  buf_.append("\033[K");
  flush();
  status_shown_ = !line.empty();
}

void Output::flush() {
  std::size_t done = 0;
  while (done < buf_.size() && error_ == 0 && fd_ >= 0) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      error_ = n < 0 ? errno : ENOSPC;  // EPIPE, ENOSPC...: drop output, never disturb the tracee
    }
  }
  buf_.clear();
}

}  // namespace gotrace
