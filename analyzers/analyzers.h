// The analyzers. Each reads the event stream (after the shared ProcessTable has seen each
// event) and keeps only what its findings need. None reads a clock, /proc or the
// environment: time is event time, facts come from Snapshot events.
#pragma once

#include <initializer_list>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "finding.h"
#include "process_table.h"

namespace gotrace::analyzers {

// Formats a call as strace would ("openat(AT_FDCWD, \"x\", O_RDONLY) = -1 EMFILE (...)").
std::string call_text(const SyscallExit& x);
std::string call_text(const SyscallEnter& e);  // entry only: "futex(0x..., FUTEX_WAIT, 0, NULL)"
std::string seconds_text(Nanos d);             // "41.2 s", "350 ms"
std::string bytes_text(uint64_t b);            // "3420 bytes", "15.6 kB", "15.6 MB"
// A file of cmd/go's module cache downloads -> {"github.com/X/y@v1.2.3", " (.zip)"}: its
// VERSION.lock (kind ""), or a VERSION.zipNNN.tmp (.mod, .info); {"", ""} for any other path.
std::pair<std::string, std::string> cache_download(const std::string& path);
// Evidence lines for a recorded call stack: a heading, then up to `max` frames
// ("  at os.OpenFile (/usr/lib/go-1.19/src/os/file.go:337)") after the frames that only make
// the system call (Go's syscall packages, and leading frames starting with `also_skip`).
std::vector<std::string> stack_evidence(const Stack& st, std::size_t max = 8,
                                        std::initializer_list<const char*> also_skip = {});

// EMFILE/ENFILE with the fd count against RLIMIT_NOFILE and the top holders; a warning
// when a process passes warn_ratio of its soft limit without failing.
class FdExhaustion final : public Analyzer {
 public:
  explicit FdExhaustion(const ProcessTable& t, double warn_ratio = 0.8) : table_(t), warn_ratio_(warn_ratio) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  bool needs(const SyscallInfo& s) const override { return s.has(kReturnsFd | kFdTable); }

 private:
  struct Hit {
    int count = 0;
    int err = 0;
    std::string first_call;
    Nanos first_at{0};
    int32_t tid = 0;
    std::size_t open_fds = 0;
    Rlimit nofile;
    bool known = false;
    std::string holders;
    uint64_t call = 0;                // the first failing call, to attach its stack
    std::vector<std::string> stack;   // stack_evidence of that call
  };
  std::string holders(const ProcessInfo& p) const;
  const ProcessTable& table_;
  double warn_ratio_;
  std::map<int32_t, Hit> hits_;     // per pid
  std::map<int32_t, Hit> nearly_;   // per pid: peak usage above warn_ratio
};

// getrandom without GRND_NONBLOCK (or a read of /dev/random) that blocked: entropy
// starvation, which stalls TLS handshakes and crypto/rand.
class BlockingGetrandom final : public Analyzer {
 public:
  explicit BlockingGetrandom(const ProcessTable& t, Nanos threshold = std::chrono::milliseconds(200))
      : table_(t), threshold_(threshold) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  // getrandom; reads (of /dev/random) and writes (a TLS ClientHello waiting on it).
  bool needs(const SyscallInfo& s) const override { return s.has(kRandom | kStreamIo); }

 private:
  struct Block {
    int32_t pid, tid;
    Nanos entered, waited;
    std::string call;
    std::vector<std::string> stack;
    std::string note;  // how it was seen, when not by its own stops
  };
  bool blocked_now(int32_t pid) const;  // a call of `pid` has been blocked past the threshold
  // A blocked getrandom that a signal interrupted (Go >= 1.24 makes it from the vDSO without
  // telling its scheduler, so sysmon's SIGURG preemption interrupts it every 10 ms): the
  // kernel restarts it (ERESTARTSYS), and the next call with the same arguments on the
  // thread is the same wait going on, from the first one's entry.
  struct Restarted {
    uint64_t buf, len, flags;
    Nanos entered;
    int times;
    std::vector<std::string> stack;  // taken at the first call's entry
    int32_t pid;
    Nanos last_exit;   // of the last interrupted call
    std::string text;  // that call, as the evidence shows it
    bool began_unseen = false;  // its start was known from /proc only (light mode, attach)
  };
  void end_chain(int32_t tid);  // a restarted wait that went on no more: a block if long
  const Restarted* restarted(int32_t tid, const SyscallEnter& call) const;
  Nanos wait_start(int32_t tid, const InFlightCall& call) const;
  const ProcessTable& table_;
  Nanos threshold_;
  std::vector<Block> blocks_;
  std::map<int32_t, Restarted> restarted_;  // tid -> its interrupted getrandom
  std::map<uint64_t, std::vector<std::string>> stacks_;  // call -> stack, for calls that may block
  std::map<int32_t, Nanos> last_unblocked_;  // pid -> when its last long getrandom returned
  std::map<int32_t, std::string> tls_after_;  // pid -> SNI of a ClientHello sent right after
};

// Clone/fork failing with EAGAIN against RLIMIT_NPROC, and Go's "failed to create new OS
// thread" / "pthread_create failed" on stderr.
class ProcessLimits final : public Analyzer {
 public:
  explicit ProcessLimits(const ProcessTable& t) : table_(t) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  // clone/fork and writes (Go's message on stderr).
  bool needs(const SyscallInfo& s) const override { return ProcessTable::lifecycle(s) || s.has(kStreamIo); }

 private:
  const ProcessTable& table_;
  std::map<int32_t, std::pair<int, std::string>> failures_;  // pid -> count, first call
  std::map<int32_t, std::string> messages_;                   // pid -> stderr line
  std::set<int32_t> unfinished_;                              // pids whose line goes on
};

// Network waits, Go-netpoller aware: connect returns EINPROGRESS and completes later
// (getsockopt SO_ERROR), reads return EAGAIN while the netpoller sits in epoll_pwait.
// Tracks every socket through connect/write/read/close and names each peer by host and by
// its GOPROXY / GOSUMDB / proxy role.
class NetworkWait final : public Analyzer {
 public:
  explicit NetworkWait(const ProcessTable& t, Nanos threshold = std::chrono::seconds(2))
      : table_(t), threshold_(threshold) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  bool needs(const SyscallInfo& s) const override {
    return s.has(kNet | kStreamIo | kFdTable | kReturnsFd);
  }

  // "Never" for the times of a Conn: a time from a snapshot can be before the trace began
  // (data sent before an attach), so negative times are real ones.
  static constexpr Nanos kNever = Nanos::min();

  // A phase of a connection that took time, for the account of where a run's time went
  // (time_account.h): a DNS question until its answer, a TCP connect, a TLS ClientHello until
  // the first answer, a request until the first byte of its response, and the response's
  // bytes until the last of them (before the next request). From seen calls, or from the
  // kernel's TCP facts where the calls ran unseen (light mode, attach).
  enum class Phase { Dns, Connect, Tls, FirstByte, Receive };
  struct Span {
    Phase phase;
    Nanos from, to;
    uint64_t bytes = 0;  // Receive: bytes received
    std::string what;    // Dns: the name asked for; FirstByte/Receive: the request, if seen
  };

  struct Conn {
    int32_t pid = 0;
    int fd = -1;
    std::string peer;       // "127.0.0.1:8999"
    int port = -1;
    bool udp = false;
    Nanos connect_start{kNever};
    bool connect_pending = false;
    bool connect_blocking = false;  // pending inside a blocking connect() (entry seen, no exit yet)
    int connect_error = 0;
    Nanos connected{kNever};
    Nanos first_write{kNever}, last_write{kNever}, last_read{kNever};
    uint64_t written = 0, read = 0, last_write_bytes = 0;
    std::string request;    // "GET /x/@v/list", "CONNECT host:443"
    std::string host;       // HTTP Host, TLS SNI, or a DNS name that resolved to the peer
    bool tls = false;
    bool tls_inferred = false;  // no ClientHello seen: an https peer sent bytes, never answered
    std::string dns_query;  // a DNS question sent on this socket
    bool dns_answered = false;
    Nanos closed{kNever};
    bool process_ended = false;  // gone because its process ended, not closed
    // Its process exited with status 0 while it waited for an answer: the request was
    // abandoned (the process got what it needed another way), so the wait held nothing up
    // and is neither a finding nor time in the account.
    bool abandoned = false;
    std::vector<std::string> dial_stack;  // stack_evidence of the connect() call
    // The kernel's TCP facts from the last Snapshot that listed this socket (tcp_state 0:
    // none), and whether last_write / connect_pending come from them rather than from a
    // seen syscall (the data went out unseen: before an attach, or past a seccomp filter).
    OpenFd kernel;
    bool kernel_write = false;
    bool kernel_connect = false;
    // Set when the kernel's last send and receive fell in one clock tick and an empty .zip
    // download file made just before the send showed it the later: how.
    std::string same_tick;
    std::string fetching;  // the download its request is for, when the module cache shows it
    // Set when the response stopped arriving mid-body: the .zip file it was streaming into
    // ("v1.6.1.zip272199843.tmp") and its size then, from a snapshot. Waiting since last_read.
    std::string body_file;
    int64_t body_size = 0;
    // Phases that took time, and the response being received (since its first byte, with
    // `read` then): a Receive span once it ends (the next request, or the end).
    std::vector<Span> spans;
    Nanos answer_from{kNever};
    Nanos seen_waiting{kNever};  // the last snapshot whose kernel facts showed it waiting for an answer
    uint64_t read_before_answer = 0;
    std::string answer_for;
  };

  // Every connection of the run so far (those closed, then those open) with what `role`
  // calls its peer; a response still arriving counts until `now`.
  struct PeerSpans {
    std::string who;
    int32_t pid;
    std::vector<Span> spans;
    uint64_t received = 0;  // bytes, seen or by the kernel's count
  };
  std::vector<PeerSpans> spans(Nanos now) const;

  // The longest wait going on now, for the live status line: "connecting to module proxy
  // 127.0.0.1:8999 (GOPROXY entry 1 of 1)", "an answer from ...", and since when.
  struct Waiting {
    Nanos since{0};
    std::string what;
  };
  std::optional<Waiting> longest_wait(Nanos now) const;

 private:
  Conn* conn(int32_t pid, int fd);
  void on_process_end(int32_t pid, Nanos ts, bool clean);
  void on_connect_entry(int32_t pid, const SyscallEnter& in, Nanos ts);
  void on_exit(int32_t pid, const SyscallExit& x, Nanos ts);
  void on_connect_exit(Conn& c, const SyscallExit& x, std::vector<std::string> dial_stack, Nanos ts);
  void on_so_error(Conn& c, const SyscallExit& x, Nanos ts);
  void on_write(Conn& c, const std::string& bytes, uint64_t n, Nanos ts);
  void on_read(Conn& c, const std::string& bytes, uint64_t n, Nanos ts);
  // The account's phases: data went out at `ts` (a response being received is over), and
  // the first data came back at `ts` after the last sent (a wait for an answer is over).
  static void sent(Conn& c, Nanos ts);
  static void answered(Conn& c, Nanos ts);
  static void end_receive(Conn& c);
  static void add_wait(Conn& c, Nanos from, Nanos to, const std::string& what);
  static void answered_unseen(Conn& c, Nanos got, const OpenFd& f, const std::string& what);
  // network_snapshot.cpp: a Snapshot is the truth about `pid`'s sockets at its time.
  void on_snapshot(int32_t pid, const Snapshot& s, Nanos ts);
  void on_tcp_facts(Conn& c, const OpenFd& f, Nanos ts);
  void match_downloads(int32_t pid, const Snapshot& s);
  void match_bodies(int32_t pid, const std::vector<const OpenFd*>& conns, const std::vector<const OpenFd*>& bodies);
  // What cmd/go is downloading, from the module cache files `pid` holds open ("" if none).
  std::string fetching(int32_t pid) const;
  std::string role(const Conn& c) const;
  std::vector<std::string> goproxy_entries(int32_t pid) const;
  std::string sumdb_url(int32_t pid) const;
  // Whether `url` (a GOPROXY entry, GOSUMDB's URL, a proxy URL) names c's peer; `tls` says
  // then whether its scheme is https.
  bool names(const Conn& c, const std::string& url, bool* tls = nullptr) const;
  // Whether c's peer speaks TLS: an https URL of the environment names it, or port 443.
  bool speaks_tls(const Conn& c) const;
  static std::string host_of(const std::string& peer);  // "1.2.3.4:80" -> "1.2.3.4"
  std::string netpoller(int32_t pid) const;
  // How a wait stands: still open, ended by close (or the process's end) with no answer,
  // or answered late.
  enum class WaitEnd { Open, Closed, Answered };
  Nanos waited(const Conn& c, Nanos now) const;  // how long `c` has waited for an answer; <0: not waiting
  Finding wait_finding(const Conn& c, Nanos now, WaitEnd how = WaitEnd::Open) const;
  // network_findings.cpp: one function per phase of the wait, the wording in a table indexed
  // by phase and outcome (0 open, 1 answered late, 2 ended unanswered).
  struct Words;
  void connect_finding(const Conn& c, int outcome, Words& w, Finding& f) const;
  void dns_finding(const Conn& c, int outcome, Words& w, Finding& f) const;
  void body_finding(const Conn& c, int outcome, Words& w, Finding& f) const;  // stopped mid-body
  void response_finding(const Conn& c, int outcome, Words& w, Finding& f) const;
  void retire(Conn c, Nanos ts);                  // the socket is gone: keep a wait it ended in
  // The socket was closed unseen: when is unknown, and its answer may have been read unseen
  // too, so no wait is concluded from it. Returns the next entry.
  using Conns = std::map<std::pair<int32_t, int>, Conn>;  // by pid, fd
  Conns::iterator close_unseen(Conns::iterator it, Nanos ts);
  void remember(const Conn& c, Finding f);

  const ProcessTable& table_;
  Nanos threshold_;
  Conns open_;
  std::vector<Conn> closed_;
  std::map<std::string, std::string> names_;  // IP -> name from DNS answers
  struct Ended {
    int count = 0;
    Finding worst;
  };
  std::map<std::string, Ended> ended_;  // waits that ended unanswered or answered late, by peer and kind
  std::map<uint64_t, std::vector<std::string>> connect_stacks_;  // connect call in flight -> its stack
};

// Child hangs: a process waiting for EOF on a pipe (a blocking read in flight, seen or only
// in /proc, or Go's EAGAIN read parked in the netpoller) while another process still holds
// the pipe's write end: typically a background child that outlived the command cmd/go ran
// (`sh -c '... &'`), keeping its stdout open. Pipe ends are followed through
// fork/dup/close/exec by the ProcessTable (FdInfo::pipe_id).
class ChildHang final : public Analyzer {
 public:
  explicit ChildHang(const ProcessTable& t, Nanos threshold = std::chrono::seconds(2)) : table_(t), threshold_(threshold) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  bool needs(const SyscallInfo& s) const override { return s.has(kStreamIo | kFdTable); }

 private:
  std::vector<Finding> current() const;
  void child_waits(std::vector<Finding>& out) const;
  struct Blocker {
    std::string what;   // ", waiting for data from 1.2.3.4:443": what its call waits for
    std::string tries;  // advice for that cause
  };
  Blocker blocker(int32_t pid, const InFlightCall& c) const;
  const ProcessTable& table_;
  Nanos threshold_;
  std::map<std::pair<int32_t, int>, std::pair<Nanos, int32_t>> parked_;  // (pid, fd) -> since, tid
  // The last hang seen at a Tick (until its reader reads again): when the trace is
  // interrupted (the user gave up on the hang), the processes are killed before the final
  // report, which still names what hung.
  std::vector<Finding> at_last_tick_;
  bool interrupted_ = false;
};

// Threads running in user space report after report (ThreadStates: CPU time rising, no
// syscall in flight, no ptrace stop): the command is not blocked in the kernel but spinning.
class Spinning final : public Analyzer {
 public:
  explicit Spinning(const ProcessTable& t, Nanos min_span = std::chrono::milliseconds(500)) : table_(t), min_span_(min_span) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  bool needs(const SyscallInfo&) const override { return false; }

 private:
  struct Spin {
    BusyRun run;
    int killed_by = 0;  // the signal that killed it while spinning (Ctrl-C of a spinning command)
  };
  bool spinning(const BusyRun& r) const;
  Finding finding(int32_t pid, const Spin& s) const;
  const ProcessTable& table_;
  Nanos min_span_;
  std::map<int32_t, BusyRun> last_;  // pid -> its run as of its last ThreadStates
  std::map<int32_t, Spin> killed_;   // pid -> killed while spinning
};

// Lock contention: several threads of a process taking turns on one futex (a contended
// mutex), many short waits that add up to a large share of their time (an eighth or more;
// four threads on one mutex on two CPUs measured 25-35%). Seen calls count
// every wait (--full); otherwise the /proc samples of each tick (ThreadStates) show threads
// blocked on the same futex that used CPU since their last sample (an idle pool parked on
// one condition variable uses none). Needs no call of its own: stopping on futex would
// cost light mode more than the finding is worth.
class LockContention final : public Analyzer {
 public:
  explicit LockContention(const ProcessTable& t) : table_(t) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  bool needs(const SyscallInfo&) const override { return false; }

 private:
  struct Lock {
    // Seen calls.
    uint64_t waits = 0;
    Nanos waited{0};
    std::map<int32_t, std::pair<Nanos, Nanos>> tids;  // first entry, last exit
    // Samples: ticks at which a thread was blocked on it and had used CPU since its last
    // sample, and which threads those were (two or more make contention).
    std::set<int32_t> sampled_tids;
    int contended_ticks = 0, busy_samples = 0;
  };
  struct Pending {
    uint64_t addr;
    Nanos from;
  };
  void on_samples(int32_t pid, const ThreadStates& ts, Nanos now);
  Finding finding(int32_t pid, uint64_t addr, const Lock& l) const;
  const ProcessTable& table_;
  std::map<std::pair<int32_t, uint64_t>, Lock> locks_;  // (pid, futex address)
  std::unordered_map<int32_t, Pending> pending_;         // tid -> its futex wait in flight
  std::unordered_map<int32_t, int64_t> cpu_;             // tid -> utime+stime at its last sample
  int ticks_ = 0;
};

// Waits for file locks: flock (LOCK_SH/LOCK_EX without LOCK_NB) and fcntl F_SETLKW /
// F_OFD_SETLKW, seen or known from /proc, that lasted `threshold`: the file, the holder
// and what it is doing (from the lock facts of the waiter's snapshot, /proc/locks), and
// cmd/go's module cache locks (.../cache/download/MODULE/@v/VERSION.lock, held while a go
// command downloads that version) in Go words.
class LockWait final : public Analyzer {
 public:
  explicit LockWait(const ProcessTable& t, Nanos threshold = std::chrono::seconds(2)) : table_(t), threshold_(threshold) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  // Nothing of its own: a wait is a call in flight in the process table, seen (--full) or
  // read from /proc (ThreadStates) under the filter, which need not stop on flock for it.
  bool needs(const SyscallInfo&) const override { return false; }

 private:
  struct Holder {
    int32_t pid = 0;       // -1: an OFD lock
    std::string lock;      // "FLOCK WRITE"
    std::string what;      // "go mod download, in epoll_pwait"
  };
  struct Wait {
    int32_t pid = 0, tid = 0;
    int fd = -1;
    Nanos since{0}, until{0};
    std::string call, path;
    Holder holder;
  };
  void end_wait(int32_t pid, int32_t tid, int fd, Nanos entered, Nanos ts, std::string text);
  std::string path_of(int32_t pid, int fd) const;
  Finding finding(const Wait& w, bool open) const;
  const ProcessTable& table_;
  Nanos threshold_;
  std::map<std::pair<int32_t, int>, Holder> holders_;  // (pid, fd) -> from its last snapshot
  std::vector<Wait> ended_;
};

// A command that exited non-zero never gets "no problem found": the failed calls that
// explain it (ENOSPC, EDQUOT, EROFS, EACCES/EPERM on files, EIO, an execve of a program
// that is not there), the last one first with its path, and the last line the command's
// processes wrote on stderr; when no call explains it, that line alone.
class FailedRun final : public Analyzer {
 public:
  explicit FailedRun(const ProcessTable& t) : table_(t) {}
  void on_event(const Event& e) override;
  std::vector<Finding> findings() const override;
  // Writes (stderr) and the failures of file calls; the light filter sees the writes to
  // fd 2 and execve, the rest in --thorough and --full.
  bool needs(const SyscallInfo& s) const override { return s.has(kStreamIo); }

 private:
  struct Failure {
    int count = 0;
    std::string first;  // the first such call, as strace shows it
    std::string path;   // the file it named
    int32_t pid = 0;
    Nanos at{0}, last_at{0};
  };
  std::string path_of(int32_t pid, const SyscallExit& x) const;
  void on_stderr(int32_t pid, const std::string& bytes);
  const ProcessTable& table_;
  using Failures = std::map<std::pair<int, SysNo>, Failure>;  // by errno and call
  static void add_failure(Failures& to, int32_t pid, const SyscallExit& x, Nanos ts, std::string path);
  Failures failures_;
  // execve ENOENT of each process since its last exec: a PATH search (execvp tries each
  // directory) fails so until it finds the program; they explain a failure only when no
  // exec followed.
  std::map<int32_t, Failures> exec_misses_;
  // Filesystems read after disk errors (Snapshot), by path: the one a failing path is on.
  std::vector<Filesystem> filesystems_;
  std::string filesystem_evidence(const std::string& path) const;
  std::map<int32_t, std::string> partial_;              // pid -> its stderr line so far
  std::string last_line_;
  int32_t exit_status_ = -1;
  bool filtered_ = false;  // a seccomp filter let file calls run unseen
};

}  // namespace gotrace::analyzers
