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
#include "gotrace/fd_effects.h"
#include "node_cache.h"

namespace gotrace::analyzers {


struct FdInfo {
  FdKind kind = FdKind::Other;
  bool cloexec = false;
  std::string path;    // file path, or the target captured with -y
  int domain = 0;      // sockets: AF_INET, AF_INET6, AF_UNIX
  int type = 0;        // sockets: SOCK_STREAM, SOCK_DGRAM (flags removed)
  std::string peer;    // sockets: "127.0.0.1:8999" once connect() was called
  Nanos opened{0};
  // Pipes: which pipe (numbered in the order pipe/pipe2 made them; fork and dup copy it) and
  // which end, so the processes still holding a write end can be found.
  uint64_t pipe_id = 0;
  bool pipe_write = false;
  int32_t process = 0;  // pidfds: the process it refers to (0: unknown)
};

struct ProcessInfo {
  int32_t parent = 0;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;  // inherited from the launch snapshot
  Rlimit nofile;
  bool nofile_known = false;
  std::map<int, FdInfo> fds;
  bool fds_known = false;  // true once a snapshot listed the fds open (start, attach, mid-trace)
  bool exited = false;
  Nanos started{0};  // when it appeared (forked, or found at attach)
  Nanos ended{0};    // when it exited, if it did
};

struct InFlightCall {
  SyscallEnter call;
  Nanos entered{0};
  // Unseen: known only from /proc (a ThreadStates or attach Snapshot event), its entry never
  // stopped the tracer (a seccomp filter let it through, or it was in progress at attach).
  // `entered` is then an estimate (when the thread last ran, or when it was first seen in
  // the call) and `last_seen` the last report that still showed it.
  bool unseen = false;
  Nanos last_seen{0};
  std::string wchan;
};

// An unseen call that ended: a later report showed the thread elsewhere, or it stopped.
struct EndedCall {
  int32_t pid = 0;
  int32_t tid = 0;
  InFlightCall call;
  Nanos ended{0};  // estimate: when the thread last ran in its next state, else the report
};

// A thread seen running (in user space, no call in flight) report after report with no
// ptrace stop in between: CPU time used over that streak.
struct BusyStreak {
  Nanos from{0}, to{0};
  int64_t cpu_from = 0, cpu_to = 0;
};

// A process with some thread seen running at report after report: the busy streaks of its
// threads joined. The work that spins may change threads (Go's scheduler hands a preempted
// goroutine to another M), so a spinning process is judged over its run, not a thread's streak.
struct BusyRun {
  Nanos from{0}, to{0};
  int64_t cpu_ns = 0;         // CPU time its threads used while busy in it
  std::vector<int32_t> tids;  // the threads that were busy in it, in the order first seen
  int busy_now = 0;           // how many of them are busy as of the last report
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
  // The unseen calls that the event just handled ended (empty after most events).
  const std::vector<EndedCall>& ended_unseen() const { return ended_; }
  // Threads running with no call in flight since their last stop, by tid.
  const std::map<int32_t, BusyStreak>& busy() const { return busy_; }
  // Processes with a thread busy now or at their last report, by pid.
  const std::map<int32_t, BusyRun>& busy_runs() const { return runs_; }
  int32_t pid_of(int32_t tid) const;
  // The value of an environment variable of `pid` (or of the launched command), if set.
  std::optional<std::string> env(int32_t pid, const std::string& name) const;
  // "go mod download": the command line of `pid`, shortened.
  std::string command(int32_t pid) const;
  int32_t root_pid() const { return root_; }
  Nanos now() const { return now_; }

 private:
  void on_exit(const Event& e, const SyscallExit& x);
  void apply_fd_effects(ProcessInfo& p, const SyscallExit& x, Nanos ts);  // fd_effects.h
  void on_rlimit(ProcessInfo& p, const SyscallExit& x);                    // RLIMIT_NOFILE set
  ProcessInfo& proc(int32_t pid);
  // thread_states.cpp: /proc reports merged as unseen calls and busy streaks.
  void on_thread_states(const Event& e, const std::vector<ThreadState>& threads);
  void on_stop(const Event& e);  // the thread stopped: what /proc said of it is over
  void on_snapshot_fds(ProcessInfo& p, const std::vector<OpenFd>& fds, Nanos ts);
  void end_unseen(int32_t tid, Nanos ended);
  void end_busy(int32_t tid, int64_t cpu_ns);  // the thread's streak ends (cpu_ns: -1 unknown)

  std::map<int32_t, ProcessInfo> procs_;
  std::unordered_map<int32_t, int32_t> tid_pid_;
  std::unordered_map<int32_t, InFlightCall> in_flight_;
  NodeCache<std::unordered_map<int32_t, InFlightCall>> spare_;
  int32_t root_ = 0;
  Nanos now_{0};
  Arch arch_ = kHostArch;
  uint64_t pipes_ = 0;
  std::unordered_map<int32_t, Nanos> last_active_;  // tid -> its last stop or change of state
  std::vector<EndedCall> ended_;
  std::map<int32_t, BusyStreak> busy_;
  std::map<int32_t, BusyRun> runs_;  // pid -> its busy run
  std::unordered_map<int32_t, std::pair<Nanos, int64_t>> cpu_seen_;  // tid -> last report, CPU then
  std::unordered_map<int32_t, std::pair<int32_t, Nanos>> restarted_;  // tid -> call number, entered
};

// Helpers over captured bytes (arg.h layouts).
std::string sockaddr_text(const std::string& bytes);  // "1.2.3.4:80", "[::1]:443", "/run/x"
int sockaddr_port(const std::string& bytes);          // -1 when not AF_INET/AF_INET6
// A snapshot's socket description (engine::SocketInfo::describe): "TCP:[1.2.3.4:5->6.7.8.9:80]
// ESTABLISHED" -> its peer "6.7.8.9:80" (an IPv4-mapped IPv6 peer as IPv4), "" when none.
std::string target_peer(const std::string& target);
// "TCP", "TCPv6", "UDP", "UDPv6" descriptions: an internet socket; `udp` says which.
bool inet_target(const std::string& target, bool& udp);
// Its domain and type: "TCPv6:[...]" -> AF_INET6, SOCK_STREAM; 0, 0 when it does not say.
void socket_kind(const std::string& target, int& domain, int& type);

}  // namespace gotrace::analyzers
