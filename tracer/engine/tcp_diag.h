// The kernel's view of TCP sockets, read without stopping anyone: one sock_diag dump
// (NETLINK_SOCK_DIAG, INET_DIAG_INFO -> struct tcp_info) per address family, keyed by inode.
// /proc/net/tcp has the state and queue sizes but not when data last moved, which is what
// tells a request waiting for its answer from an idle keep-alive connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace gotrace::engine {

struct TcpFacts {
  uint8_t state = 0;  // TCP_ESTABLISHED (1) ...
  uint32_t unacked = 0;
  uint32_t retransmits = 0;
  uint32_t last_send_ms = 0;
  uint32_t last_recv_ms = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_acked = 0;
  uint64_t bytes_received = 0;
  std::string local;  // "127.0.0.1:8080", "[::1]:80"
  std::string peer;   // empty when not connected
};

// Dumps every TCP socket of `family` (AF_INET or AF_INET6) in the calling thread's network
// namespace, but TIME_WAIT and NEW_SYN_RECV ones (many on a server, never a tracee's fd).
// One dump walks the kernel's whole established-socket hash (262,144 buckets on a 24 GiB
// machine: about 1 ms), the same walk a read of /proc/net/tcp makes per read() call.
// nullopt when netlink fails (then /proc/net/tcp is the only source).
std::optional<std::unordered_map<uint64_t, TcpFacts>> dump_tcp_facts(int family);

// Whether `pid` is in the same network namespace as gotrace (a sock_diag dump sees only
// the namespace of the thread that makes the netlink socket).
bool same_netns(int pid);

// dump_tcp_facts in `pid`'s network namespace: in gotrace's own directly, else from a
// short-lived thread that joins that namespace (setns needs CAP_SYS_ADMIN; nullopt without).
std::optional<std::unordered_map<uint64_t, TcpFacts>> dump_tcp_facts_of(int pid, int family);

}  // namespace gotrace::engine
