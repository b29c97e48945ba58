// TaskAccess for a real stopped tracee: memory through process_vm_readv (PTRACE_PEEKDATA
// when that is refused), fds through /proc/TID/fd.
#pragma once

#include "gotrace/task_access.h"
#include "proc_net.h"

namespace gotrace::engine {

class RemoteTask final : public TaskAccess {
 public:
  explicit RemoteTask(SocketTable& sockets) : sockets_(sockets) {}
  // Precondition: `tid` is in a ptrace-stop for as long as this object is used with it.
  void bind(int tid, int pid) { tid_ = tid; pid_ = pid; }

  long read(uint64_t addr, std::size_t len, std::string& out) override;
  long read_cstring(uint64_t addr, std::size_t max, std::string& out, bool& truncated) override;
  bool fd_target(int fd, int detail, std::string& out) override;

 private:
  long peek_read(uint64_t addr, std::size_t len, std::string& out);
  SocketTable& sockets_;
  int tid_ = 0;
  int pid_ = 0;
  bool use_peek_ = false;
};

}  // namespace gotrace::engine
