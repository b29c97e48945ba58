// ProcessTable: the state every analyzer needs, rebuilt from events alone: per process
// its command, environment, RLIMIT_NOFILE and open fds (what each is: file path, socket
// and its peer, pipe), per thread its process and call in flight. Keeps fd tables as the
// kernel does: fork copies, exec drops close-on-exec fds, dup/close/pipe2/socket update.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gotrace/consumer.h"

namespace gotrace::analyzers {

enum class FdKind { File, Socket, Pipe, Epoll, Other };

struct FdInfo {
  FdKind kind = FdKind::Other;
  bool cloexec = false;
  std::string path;    // file path, or the target captured with -y
  int domain = 0;      // sockets: AF_INET, AF_INET6, AF_UNIX
  int type = 0;        // sockets: SOCK_STREAM, SOCK_DGRAM (flags removed)
  std::string peer;    // sockets: "127.0.0.1:8999" once connect() was called
  Nanos opened{0};
};

struct ProcessInfo {
  int32_t parent = 0;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;  // inherited from the launch snapshot
  Rlimit nofile;
  bool nofile_known = false;
  std::map<int, FdInfo> fds;
  bool fds_known = false;  // true once a snapshot listed the fds open at start or attach
  bool exited = false;
};

struct InFlightCall {
  SyscallEnter call;
  Nanos entered{0};
};

class ProcessTable final : public EventConsumer {
 public:
  void on_event(const Event& e) override;
  // Process lifecycle, the fd table, limits.
  static bool needs(const SyscallInfo& s) { return lifecycle(s) || s.has(kReturnsFd | kFdTable | kLimits); }
  // Creating, exec'ing, waiting for and ending processes and threads: %process without the
  // signal senders (kill, tgkill...). A sent signal is seen anyway when it is delivered (a
  // signal-delivery-stop), and Go's SIGURG preemption makes tgkill frequent.
  static bool lifecycle(const SyscallInfo& s) { return s.has(kProcess) && !s.has(kSignal); }
  // The needed calls whose effect on the table depends on a command argument: only those
  // commands need a stop (fcntl: the dups and FD_CLOEXEC, see on_exit).
  static std::vector<ArgCondition> needed_only_when();

  const ProcessInfo* process(int32_t pid) const;
  const std::map<int32_t, ProcessInfo>& processes() const { return procs_; }
  // The call `tid` is in right now, if any.
  const InFlightCall* in_flight(int32_t tid) const;
  const std::unordered_map<int32_t, InFlightCall>& all_in_flight() const { return in_flight_; }
  int32_t pid_of(int32_t tid) const;
  // The value of an environment variable of `pid` (or of the launched command), if set.
  std::optional<std::string> env(int32_t pid, const std::string& name) const;
  // "go mod download": the command line of `pid`, shortened.
  std::string command(int32_t pid) const;
  int32_t root_pid() const { return root_; }
  Nanos now() const { return now_; }

 private:
  void on_exit(const Event& e, const SyscallExit& x);
  ProcessInfo& proc(int32_t pid);

  std::map<int32_t, ProcessInfo> procs_;
  std::unordered_map<int32_t, int32_t> tid_pid_;
  std::unordered_map<int32_t, InFlightCall> in_flight_;
  int32_t root_ = 0;
  Nanos now_{0};
};

// Helpers over captured bytes (arg.h layouts).
std::string sockaddr_text(const std::string& bytes);  // "1.2.3.4:80", "[::1]:443", "/run/x"
int sockaddr_port(const std::string& bytes);          // -1 when not AF_INET/AF_INET6

}  // namespace gotrace::analyzers
