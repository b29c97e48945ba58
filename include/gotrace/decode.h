// Capture: what to copy out of a stopped tracee for each argument, driven by the argument
// kinds in the syscall table (plus a few per-syscall hooks, e.g. futex's op-dependent
// timeout). Runs in the live source only; produces plain bytes (see arg.h for layouts).
#pragma once

#include <cstdint>

#include "gotrace/arg.h"
#include "gotrace/arg_layout.h"
#include "gotrace/number_set.h"
#include "gotrace/syscall_table.h"
#include "gotrace/task_access.h"

namespace gotrace::decode {

struct CaptureOptions {
  uint32_t buffer_limit = 32;   // bytes kept of read/write buffers (strace -s)
  uint32_t path_limit = 4096;   // bytes kept of a path
  uint32_t vector_limit = layout::kVectorLimit;  // iovecs, pollfds, epoll events, argv entries kept
  int fd_detail = 0;            // 0: none, 1: -y paths, 2: -yy socket details
  // -e write= / -e read=: every byte sent / received through these fds is kept (for the
  // hex dump), not only buffer_limit of it.
  NumberSet dump_write = {}, dump_read = {};
  bool whole_buffers = false;  // set by capture itself for a call on a dumped fd
};

// Precondition: the task is in a syscall-entry (or seccomp) stop; args[i].raw hold the
// syscall's argument registers and every other field is reset. Fills entry-time data.
void capture_entry(const SyscallInfo& info, Args& args, TaskAccess& task,
                   const CaptureOptions& opt);

// Precondition: the task is in the syscall-exit stop of the same call; `args` are what
// capture_entry produced. Fills exit-time data (never touches entry-time data).
void capture_exit(const SyscallInfo& info, int64_t ret, Args& args, TaskAccess& task,
                  const CaptureOptions& opt);

}  // namespace gotrace::decode
