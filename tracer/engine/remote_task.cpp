// Reading a stopped tracee. See remote_task.h.
#include "remote_task.h"

#include <fmt/format.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gotrace::engine {
namespace {
constexpr uint64_t kPage = 4096;
}

long RemoteTask::read(uint64_t addr, std::size_t len, std::string& out) {
  if (len == 0) return 0;
  if (addr == 0) return -EFAULT;
  if (use_peek_) return peek_read(addr, len, out);
  std::size_t old = out.size();
  out.resize(old + len);
  iovec local{out.data() + old, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  ssize_t n = process_vm_readv(tid_, &local, 1, &remote, 1, 0);
  if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
    out.resize(old);
    use_peek_ = true;
    return peek_read(addr, len, out);
  }
  if (n < 0 && errno == EFAULT && len > 1) {
    // The range crosses into unmapped memory: read up to the page boundary.
    std::size_t first = static_cast<std::size_t>(kPage - (addr % kPage));
    if (first < len) {
      local.iov_len = remote.iov_len = first;
      n = process_vm_readv(tid_, &local, 1, &remote, 1, 0);
    }
  }
  if (n <= 0) {
    int err = n < 0 ? errno : EFAULT;
    out.resize(old);
    return -err;
  }
  out.resize(old + static_cast<std::size_t>(n));
  return n;
}

long RemoteTask::peek_read(uint64_t addr, std::size_t len, std::string& out) {
  std::size_t done = 0;
  while (done < len) {
    uint64_t word_addr = (addr + done) & ~uint64_t{7};
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, tid_, reinterpret_cast<void*>(word_addr), nullptr);
    if (errno != 0) return done > 0 ? static_cast<long>(done) : -errno;
    std::size_t skip = static_cast<std::size_t>(addr + done - word_addr);
    std::size_t take = std::min<std::size_t>(8 - skip, len - done);
    out.append(reinterpret_cast<const char*>(&word) + skip, take);
    done += take;
  }
  return static_cast<long>(done);
}

long RemoteTask::read_cstring(uint64_t addr, std::size_t max, std::string& out,
                              bool& truncated) {
  truncated = false;
  if (addr == 0) return -EFAULT;
  std::size_t start = out.size();
  uint64_t cur = addr;
  while (out.size() - start < max) {
    // Read to the end of the page at most: the next page may be unmapped.
    std::size_t chunk = static_cast<std::size_t>(kPage - (cur % kPage));
    chunk = std::min(chunk, max - (out.size() - start));
    std::size_t before = out.size();
    long n = read(cur, chunk, out);
    if (n <= 0) {
      if (before == start) return n < 0 ? n : -EFAULT;
      return static_cast<long>(out.size() - start);  // unterminated but readable prefix
    }
    const char* nul = static_cast<const char*>(std::memchr(out.data() + before, 0, static_cast<std::size_t>(n)));
    if (nul) {
      out.resize(static_cast<std::size_t>(nul - out.data()));
      return static_cast<long>(out.size() - start);
    }
    cur += static_cast<uint64_t>(n);
  }
  truncated = true;
  return static_cast<long>(out.size() - start);
}

bool RemoteTask::fd_target(int fd, int detail, std::string& out) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/fd/%d", tid_, fd);
  char buf[4096];
  ssize_t n = readlink(path, buf, sizeof buf);
  if (n < 0) return false;
  out.assign(buf, static_cast<std::size_t>(n));
  if (detail < 2) return true;
  if (uint64_t inode = socket_inode(out)) {
    if (const SocketInfo* s = sockets_.find(pid_, inode, path))
      out = s->describe();
    else if (std::string proto = socket_protocol(path); !proto.empty())
      out = proto + ":[" + std::to_string(inode) + "]";  // e.g. a TCP socket not bound yet
  } else if (out.front() == '/') {
    // a device: its kind and numbers after a NUL, which the formatter prints as strace
    // -yy does: /dev/null<char 1:3>
    struct stat st {};
    if (stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
      out += '\0';
      out += fmt::format("{} {}:{}", S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev), minor(st.st_rdev));
    }
  }
  return true;
}

}  // namespace gotrace::engine
