// Socket descriptions from /proc/PID/net/{tcp,tcp6,udp,udp6,unix}, keyed by inode: what
// -yy prints for a socket fd and what the attach snapshot reports (addresses, TCP state).
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <unordered_map>

#include "tcp_diag.h"

namespace gotrace::engine {

struct SocketInfo {
  std::string proto;  // "TCP", "TCPv6", "UDP", "UDPv6", "UNIX-STREAM", "UNIX-DGRAM", ...
  std::string local;  // "127.0.0.1:8080", "[::1]:80", or a unix path
  std::string peer;   // empty when not connected
  int tcp_state = 0;  // /proc/net/tcp "st" (1 ESTABLISHED ... 10 LISTEN), 0 for others

  // As strace -yy prints it: "TCP:[127.0.0.1:1->127.0.0.1:2]", "UNIX-STREAM:[/run/x]".
  std::string describe() const;
};

const char* tcp_state_name(int st);  // "ESTABLISHED", "SYN_SENT", ...

// What -yy and snapshots say about a socket inode. Only the table of the socket's own kind
// is read (its fd's "system.sockprotoname" says which): TCP from one sock_diag dump per
// family (addresses, state and tcp_info at once), UDP and UNIX from /proc/PID/net. A TCP
// table is a walk of the kernel's whole established hash, about 1 ms per read() of
// /proc/net/tcp on a machine with 24 GiB; a snapshot used to make six of them.
class SocketTable {
 public:
  // Looks the inode up in `pid`'s network namespace; `fd_path` (/proc/PID/fd/N) names the
  // kind of table to read, every table when empty or unreadable. Reads that table after
  // invalidate(), and again on a miss (a socket made since). nullptr when none has it.
  const SocketInfo* find(int pid, uint64_t inode, const std::string& fd_path = "");
  void invalidate() { std::fill(std::begin(loaded_), std::end(loaded_), false); }
  // The kernel's TCP facts of the socket `inode` of `pid` (from that family's dump, read
  // once after invalidate()); nullptr when the kernel does not say.
  const TcpFacts* tcp_facts(int pid, uint64_t inode, bool v6);
  // CLOCK_REALTIME (ms) just before that dump: its "ms since" times count back from then.
  int64_t tcp_dumped_ms(bool v6) const { return dumped_ms_[v6 ? 1 : 0]; }

 private:
  enum Kind { kTcp, kTcp6, kUdp, kUdp6, kUnix, kKinds };
  void use_pid(int pid);
  void load(int pid, Kind kind);
  std::unordered_map<uint64_t, SocketInfo> by_inode_;
  int loaded_pid_ = -1;
  bool loaded_[kKinds] = {};
  std::unordered_map<uint64_t, TcpFacts> tcp_[2];  // IPv4, IPv6
  int64_t dumped_ms_[2] = {0, 0};
};

// CLOCK_REALTIME in ms: the clock of file times, and the instant a snapshot's ages count from.
int64_t realtime_ms();

// "socket:[12345]" -> 12345; 0 when the text is not a socket link.
uint64_t socket_inode(const std::string& link_target);
// The protocol of a socket fd as the kernel names it ("TCP", "UDPv6", "UNIX-STREAM",
// "NETLINK"), from the "system.sockprotoname" attribute of /proc/PID/fd/N; "" if unreadable.
std::string socket_protocol(const std::string& fd_path);

}  // namespace gotrace::engine
