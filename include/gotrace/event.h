// The event stream: the one currency between sources (live tracer, replay, test scripts) and
// consumers (text/json sinks, recorder, summary, analyzers). Plain values only.
// Add fields only at the end of a struct; any other change bumps the record format version.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gotrace/arg.h"
#include "gotrace/syscall_table.h"
#include "gotrace/types.h"

namespace gotrace {

// Always the first event of a stream: what was traced and the clock it was traced with.
struct TraceStart {
  int64_t wall_clock_ns = 0;  // CLOCK_REALTIME at ts 0 (for -tt / -ttt)
  Arch arch = kHostArch;
  std::string gotrace_version;
  std::vector<std::string> command;  // the launched command, empty when only attaching
  std::vector<int32_t> attached;     // pids given with -p
  bool filtered = false;             // a seccomp filter let most syscalls run unseen
  bool quiet_files = false;          // and reads/writes of regular files ran unseen (quiet fds)
  // Light mode: the filter stopped only calls that change state (processes, sockets,
  // connect, limits, getrandom...); file opens, reads, writes and closes were stopped only
  // while the command looked stuck (see tracer/live/light_policy.h).
  bool light = false;
  bool operator==(const TraceStart&) const = default;
};

// A thread entered a syscall. `call` numbers calls in the trace (pairs entry with exit).
struct SyscallEnter {
  uint64_t call = 0;
  SysNo sysno = SysNo::unknown;
  int32_t number = -1;  // the architecture's number (for syscall_NNN when unknown)
  Args args;
  bool operator==(const SyscallEnter&) const = default;

  // Argument i as the kernel reads it (SyscallInfo::value / signed_value).
  uint64_t arg(int i) const { return syscall_info(sysno).value(args, i); }
  int64_t sarg(int i) const { return syscall_info(sysno).signed_value(args, i); }
};

// A syscall returned. Repeats the arguments (entry captures plus exit captures) so most
// consumers read only exits. `entered` is the entry time; when the entry was never seen
// (attach in mid-call), entry_seen is false and `entered` is when tracing of it began.
struct SyscallExit {
  uint64_t call = 0;
  SysNo sysno = SysNo::unknown;
  int32_t number = -1;
  int64_t ret = 0;
  Nanos entered{0};
  bool entry_seen = true;
  Args args;
  std::string ret_fd_target;  // with -y, the returned fd's target (kReturnsFd calls)
  bool operator==(const SyscallExit&) const = default;

  bool failed() const { return ret < 0 && ret >= -4095; }
  int error() const { return failed() ? static_cast<int>(-ret) : 0; }
  uint64_t arg(int i) const { return syscall_info(sysno).value(args, i); }
  int64_t sarg(int i) const { return syscall_info(sysno).signed_value(args, i); }
};

struct Rlimit {
  uint64_t soft = ~0ull;  // ~0 = RLIM_INFINITY
  uint64_t hard = ~0ull;
  bool operator==(const Rlimit&) const = default;
};

struct OpenFd {
  int32_t fd = -1;
  std::string target;  // readlink of /proc/PID/fd/N, or a socket description
  // Appended: the kernel's view of a TCP socket (sock_diag INET_DIAG_INFO, struct tcp_info),
  // read without stopping the tracee. tcp_state 0: no such facts (not TCP, or unreadable).
  uint8_t tcp_state = 0;       // TCP_ESTABLISHED (1), TCP_SYN_SENT (2)... as /proc/net/tcp "st"
  uint32_t unacked = 0;        // segments sent and not yet acknowledged (tcpi_unacked)
  uint32_t retransmits = 0;    // segments retransmitted in all (tcpi_total_retrans)
  int64_t last_send_ms = -1;   // ms since data was last sent (tcpi_last_data_sent), -1 unknown
  int64_t last_recv_ms = -1;   // ms since data was last received (tcpi_last_data_recv), -1 unknown
  uint64_t bytes_sent = 0;     // data bytes sent, retransmissions included (tcpi_bytes_sent)
  uint64_t bytes_acked = 0;    // acknowledged by the peer (tcpi_bytes_acked; counts the SYN)
  uint64_t bytes_received = 0; // data bytes received (tcpi_bytes_received)
  // Appended: a regular file's size and how long ago it was last modified (fstat), -1 for
  // others. cmd/go creates VERSION.zipNNN.tmp just before it asks for the .zip.
  int64_t file_size = -1;
  int64_t modified_ms = -1;
  // Appended: close-on-exec (/proc/PID/fdinfo/N flags), -1 unknown (recorded before it was).
  int8_t cloexec = -1;
  // Appended: the process is blocked waiting for a lock on this file (/proc/locks): the
  // holder's pid (-1 an OFD lock, whose owner is no process; 0 no wait), the lock ("FLOCK
  // WRITE"), and what the holder is ("go mod download, in epoll_pwait").
  int32_t lock_holder = 0;
  std::string lock{};
  std::string lock_holder_text{};
  bool operator==(const OpenFd&) const = default;
};

// A new process (thread group) appeared: the launched command, a fork/vfork/clone child, or
// an attached process. `parent` is 0 for the launched command or an attached process.
struct ProcessStart {
  Pid parent{0};
  std::vector<std::string> argv;
  bool operator==(const ProcessStart&) const = default;
};

// A new thread in an existing process (clone with CLONE_THREAD).
struct ThreadStart {
  Tid parent{0};
  bool operator==(const ThreadStart&) const = default;
};

// A successful execve/execveat. When a non-leader thread execs, the kernel gives it the
// leader's tid: Event::tid is the new (leader) tid and former_tid the execing thread's.
struct Exec {
  std::string filename;
  std::vector<std::string> argv;
  Tid former_tid{0};
  bool operator==(const Exec&) const = default;
};

enum class SignalStop : uint8_t { Delivery, GroupStop };

// A signal reached a thread (signal-delivery-stop), or the process entered a group-stop.
struct Signal {
  int32_t signo = 0;
  SignalStop stop = SignalStop::Delivery;
  int32_t code = 0;        // si_code
  int32_t sender_pid = 0;  // si_pid (for SI_USER/SI_TKILL/SIGCHLD)
  int32_t sender_uid = 0;
  int32_t status = 0;      // si_status (SIGCHLD)
  uint64_t addr = 0;       // si_addr (SIGSEGV, SIGBUS, ...)
  bool operator==(const Signal&) const = default;
};

// A thread ended. wait_status is waitpid's status word (WIFEXITED/WIFSIGNALED).
struct ThreadExit {
  int32_t wait_status = 0;
  bool operator==(const ThreadExit&) const = default;
};

// Facts about a process captured by the live source, without ptrace stops: at launch
// (before exec) and at attach. Analyzers read limits, fds and environment from here, never
// from /proc themselves.
struct ThreadState {
  Tid tid{0};
  int32_t number = -1;          // syscall in progress (/proc/.../syscall); -1 running, -2 unknown
  std::array<uint64_t, 6> args{};
  char state = '?';             // /proc/.../stat state letter
  std::string wchan;
  int64_t off_cpu_ns = -1;      // time since it last ran (scheduler clock), -1 unknown
  int64_t cpu_ns = -1;          // utime + stime so far (/proc/.../stat), -1 unknown
  bool operator==(const ThreadState&) const = default;
};

// A filesystem a path of the process is on (statfs, /proc/PID/mountinfo): where a disk
// error (ENOSPC, EDQUOT, EROFS) happened, how large it is and how much was free.
struct Filesystem {
  std::string path;   // the path asked about, as the process sees it
  std::string mount;  // its mount point ("/dev/shm/x/small"), "" when unknown
  std::string type;   // "tmpfs", "ext4", "overlay"... (f_type)
  uint64_t size = 0, avail = 0;         // bytes in all, and free for an unprivileged user
  uint64_t inodes = 0, inodes_free = 0;
  bool read_only = false;
  bool operator==(const Filesystem&) const = default;
};

struct Snapshot {
  Rlimit nofile;
  Rlimit nproc;
  std::vector<OpenFd> fds;
  std::vector<std::pair<std::string, std::string>> env;  // the variables that matter to Go
  std::vector<ThreadState> threads;
  std::string cwd;
  std::string exe;
  std::vector<Filesystem> filesystems;  // only when asked for (SnapshotScope::filesystems)
  bool operator==(const Snapshot&) const = default;
};

// Time passed with no other event (live source heartbeat; drives stall detection).
// io_bytes: bytes the traced processes read and wrote since the previous Tick, by the
// kernel's count (/proc/PID/io rchar + wchar), whether or not those calls stopped the
// tracer: work done unseen (light mode) is progress too. 0 when nothing moved.
// Also since the previous Tick: CPU time the traced processes used (utime + stime, every
// thread, processes that ended meanwhile included) and bytes they made the storage layer
// read and write (/proc/PID/io read_bytes, write_bytes).
struct Usage {
  int64_t cpu_ns = 0;
  uint64_t disk_read = 0, disk_written = 0;
  bool operator==(const Usage&) const = default;
};

struct Tick {
  uint64_t io_bytes = 0;
  Usage usage = {};
  bool operator==(const Tick&) const = default;
};

enum class EndReason : uint8_t {
  AllExited,    // every tracee exited
  Interrupted,  // gotrace got SIGINT/SIGTERM/SIGHUP
  Detached,     // attach mode ended (signal or --duration) and tracees were detached
  Duration,     // --duration elapsed
  Truncated,    // replay: the recording ends mid-record
};

// Always the last event of a stream. exit_status is the launched command's wait status
// (-1 when there is none, e.g. attach only).
struct TraceEnd {
  EndReason reason = EndReason::AllExited;
  int32_t exit_status = -1;
  Usage usage = {};  // since the last Tick (processes that ended after it)
  bool operator==(const TraceEnd&) const = default;
};

// What the quiet threads of process `pid` are doing, read from /proc/PID/task/TID/{stat,syscall}
// without stopping them (live source, at a Tick, for threads with no ptrace stop lately):
// calls the tracer never saw enter (let through by a seccomp filter, or in progress at attach)
// and CPU time used. Lists only threads whose state changed since their last report.
struct ThreadStates {
  std::vector<ThreadState> threads;
  bool operator==(const ThreadStates&) const = default;
};

// One frame of a tracee's user-space call stack, symbolized while the tracee was live
// (tracer/stack) so a replay names it without the binary.
struct StackFrame {
  uint64_t pc = 0;        // address in the tracee (a return address for every frame but the first)
  uint64_t rel = 0;       // pc as an offset in the module's file (strace -k's [0x...])
  std::string module;     // path of the mapped file; empty when the pc is in no file mapping
  std::string function;   // empty when unknown
  uint64_t offset = 0;    // pc - the function's start
  std::string file;       // source file (from Go's .gopclntab); empty when unknown
  int32_t line = 0;
  bool operator==(const StackFrame&) const = default;
};

// The user-space call stack of the thread that made syscall `call`, captured at its entry
// or exit stop: with -k for every shown call, otherwise only for calls behind a finding
// (EMFILE/ENFILE, a blocking getrandom, connect). Follows that call's enter or exit event.
struct Stack {
  uint64_t call = 0;
  std::vector<StackFrame> frames;  // innermost first
  std::string note;                // why frames are missing or unnamed, empty when none
  bool operator==(const Stack&) const = default;
};

using EventBody = std::variant<TraceStart, SyscallEnter, SyscallExit, ProcessStart, ThreadStart, Exec,
                               Signal, ThreadExit, Snapshot, Tick, TraceEnd, ThreadStates, Stack>;

struct Event {
  Nanos ts{0};
  Pid pid{0};
  Tid tid{0};
  EventBody body;
  bool operator==(const Event&) const = default;
};

}  // namespace gotrace
