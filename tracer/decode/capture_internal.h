// Shared helpers of the capture layer (gotrace_decode): exact reads through TaskAccess, the
// per-kind capture routines of each family file, and the little-endian appenders that write
// the layouts of arg.h / arg_layout.h. Private to tracer/decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "gotrace/arg.h"
#include "gotrace/arg_layout.h"
#include "gotrace/decode.h"
#include "gotrace/syscall_table.h"
#include "gotrace/task_access.h"

namespace gotrace::decode::detail {

// Everything one capture pass needs. `ret` is meaningful only at exit.
struct Pass {
  SysNo sysno;
  Args& args;
  TaskAccess& task;
  const CaptureOptions& opt;
  int64_t ret = 0;

  bool failed() const { return ret < 0 && ret >= -4095; }
  // Argument i as the kernel reads it: cut to its kind's width (SyscallInfo::value).
  uint64_t raw(int i) const { return syscall_info(sysno).value(args, i); }
};

inline void append_u32(std::string& out, uint32_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
inline void append_u64(std::string& out, uint64_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
inline void store_u32(std::string& out, std::size_t off, uint32_t v) {
  std::memcpy(out.data() + off, &v, sizeof v);
}

// Appends exactly `len` bytes read at `addr`; on a short read `out` is left unchanged.
bool read_exact(TaskAccess& task, uint64_t addr, std::size_t len, std::string& out);

// Copies `len` bytes at `addr` into `dst`, using the spare capacity at the end of `scratch`
// as the read buffer (its contents are unchanged afterwards). No allocation once `scratch`
// has grown to hold it.
bool read_into(TaskAccess& task, uint64_t addr, void* dst, std::size_t len, std::string& scratch);

template <typename T>
bool read_value(TaskAccess& task, uint64_t addr, T& v, std::string& scratch) {
  return read_into(task, addr, &v, sizeof v, scratch);
}

// A struct of `len` bytes at a.raw: Raw for NULL, else Captured or Unreadable.
void capture_fixed(Arg& a, TaskAccess& task, std::size_t len);

// min(count, limit) bytes at a.raw: Captured, Truncated (count > limit) or Unreadable.
// The first min(count, limit) bytes at a.raw (Truncated when count > limit); with `whole`
// above limit, up to that many. A read cut short by unmapped memory keeps its prefix
// (Truncated) when that is at least `min_keep` bytes (default: all it asked for but whole).
void capture_buffer(Arg& a, TaskAccess& task, uint64_t count, uint64_t limit, uint64_t whole = 0,
                    uint64_t min_keep = ~0ull);

// Fd/DirFd entry: the fd's target with -y / -yy.
void capture_fd(Arg& a, TaskAccess& task, const CaptureOptions& opt, bool dirfd);

// Appends the iovec records of the array at `addr` (iovcnt entries, at most vector_limit)
// to `out`. With `with_data`, the bytes are spread from a budget of `budget` bytes (each
// record at most buffer_limit); without, every record carries iov_base instead. Returns
// the number of records written, or -1 when the array itself cannot be read.
long append_iovecs(std::string& out, TaskAccess& task, const CaptureOptions& opt,
                   uint64_t addr, uint64_t iovcnt, bool with_data, uint64_t budget,
                   bool& truncated);

// fs family (capture_fs.cpp)
void capture_iov_in(Arg& a, const Pass& p, int i);
void capture_iov_out(Arg& a, const Pass& p, int i);
void capture_pollfds_entry(Arg& a, const Pass& p, int i);
void capture_pollfds_exit(Arg& a, const Pass& p);
void capture_fcntl_arg_entry(Arg& a, const Pass& p);
void capture_fcntl_arg_exit(Arg& a, const Pass& p);
void capture_pipe_fds(Arg& a, const Pass& p);
void capture_buf_out(Arg& a, const Pass& p);

// net family (capture_net.cpp)
void capture_sockaddr_in(Arg& a, const Pass& p, int i);
void capture_sockaddr_out(Arg& a, const Pass& p, int i);
void capture_socklen_entry(Arg& a, const Pass& p);
void capture_socklen_exit(Arg& a, const Pass& p);
void capture_sockopt_in(Arg& a, const Pass& p, int i);
void capture_sockopt_out(Arg& a, const Pass& p, int i);
void capture_msghdr_in(Arg& a, const Pass& p);
void capture_msghdr_out_entry(Arg& a, const Pass& p);
void capture_msghdr_out_exit(Arg& a, const Pass& p);
void capture_mmsghdr_in(Arg& a, const Pass& p, int i);
void capture_mmsghdr_exit(Arg& a, const Pass& p);

// process family (capture_process.cpp)
void capture_strings(Arg& a, const Pass& p, bool envp);
void capture_futex_timeout(Arg& a, const Pass& p);
void capture_clone3(Arg& a, const Pass& p, int i);
void capture_clone3_exit(Arg& a, const Pass& p, int i);
void capture_epoll_events(Arg& a, const Pass& p);

}  // namespace gotrace::decode::detail
