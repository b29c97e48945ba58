// StraceLogSource: turns a log written by `strace -f -tt -T [-yy] [-s N] -o LOG` into
// gotrace events, so the summary and the analyzers can diagnose a machine without gotrace.
//
// Accepted: -t / -tt / -ttt timestamps (or none), -T durations (or none), pid prefixes
// "PID  " (-f -o) or "[pid N] " (to a terminal) or none, <unfinished ...> / <... NAME
// resumed> pairs, "--- SIGxxx {...} ---", "--- stopped by SIGxxx ---", "+++ exited with N
// +++", "+++ killed by SIGx [(core dumped)] +++", "+++ superseded by execve in pid N +++",
// "strace: Process N attached/detached", and the -c/-C table strace appends (skipped).
//
// What an strace log cannot carry, so the events lack it:
//  - Thread vs process: strace prints only tids. A tid created by a clone/clone3 line with
//    CLONE_THREAD is a ThreadStart; by fork/vfork or clone without it, a ProcessStart; a
//    tid that appears from nowhere is taken as a thread of the first process.
//  - Without -yy (or -y), no fd targets: Fd arguments have no data, so fd analysis of
//    sockets and files is blind. Fds open before strace started are never seen.
//  - Buffers and strings beyond -s (default 32) are cut (ArgState::Truncated). Flags shown
//    symbolically get their value when the names are in our table. Of the structures, only
//    sockaddr, rlimit, pipe fds, SO_ERROR values and socklen are rebuilt as bytes; others
//    (stat, timespec, epoll_event, msghdr, iovec...) are not captured. Pointer values are
//    never printed by strace: a pointer shown as contents has raw = 1 (kUnknownAddress).
//  - No Snapshot: limits (RLIMIT_NOFILE), environment, cwd are absent unless a prlimit64
//    line shows them; no Tick events (stall detection works only at the end of the log).
//  - Times: -tt has no date (wall_clock_ns is that time of day on 1970-01-02, local time;
//    a wrap past midnight is assumed when time goes back more than 12 hours); without
//    -tt/-ttt every event has ts 0 and -T durations only set exit times. -r is not read.
//  - Without -f (no pid prefixes) the pid is unknown: it is taken from "strace: Process N
//    attached" if present, else 1. With "[pid N]" prefixes, the unprefixed lines are the
//    first process's, whose pid shows on its own prefixed lines later.
//  - Architecture: the log is assumed to be from x86_64 (names, constants, errno values).
//  - Calls strace shows as "= ?" never returned (exit, exit_group, a thread killed in a
//    call): only their SyscallEnter is emitted, as live gotrace does. "= ? <unavailable>"
//    is a call that did reach its exit while its process died, so strace could not read
//    the result; strace -c counts it (as no error), so it gets a SyscallExit with ret 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gotrace/consumer.h"

namespace gotrace::record {

class StraceLogSource final : public EventSource {
 public:
  // Opens the log. Throws RecordFormatError (naming the file) when it cannot be read or is
  // empty.
  explicit StraceLogSource(std::string path);

  // Two passes over the file: the first learns which clone made which tid (strace often
  // prints a child's first lines before the parent's clone returns), the second emits
  // TraceStart, the events, and TraceEnd. Lines it cannot parse are skipped and counted;
  // they never throw. Throws RecordFormatError when the file cannot be read.
  void run(EventConsumer& out) override;

  uint64_t lines() const { return lines_; }
  uint64_t skipped_lines() const { return skipped_; }
  uint64_t call_lines() const { return calls_; }  // syscall lines read (0: not a strace log)
  // Line numbers (1-based) of the first few skipped lines, for the warning.
  const std::vector<uint64_t>& first_skipped() const { return first_skipped_; }
  static constexpr std::size_t kFirstSkippedKept = 10;

 private:
  std::string path_;
  uint64_t lines_ = 0;
  uint64_t skipped_ = 0;
  uint64_t calls_ = 0;
  std::vector<uint64_t> first_skipped_;
};

}  // namespace gotrace::record
