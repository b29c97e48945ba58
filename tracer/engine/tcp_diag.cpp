// sock_diag dump of TCP sockets. See tcp_diag.h.
#include "tcp_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

namespace gotrace::engine {
namespace {

// Closes the netlink socket on every way out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// "127.0.0.1:8080" or "[::1]:80", as /proc/net/tcp's addresses are shown (proc_net.cpp).
std::string address(int family, const __be32 (&addr)[4], __be16 port) {
  char text[INET6_ADDRSTRLEN] = "?";
  inet_ntop(family, addr, text, sizeof text);
  std::string p = std::to_string(ntohs(port));
  return family == AF_INET6 ? "[" + std::string(text) + "]:" + p : std::string(text) + ":" + p;
}

bool unspecified(const __be32 (&addr)[4], __be16 port) {
  return port == 0 && addr[0] == 0 && addr[1] == 0 && addr[2] == 0 && addr[3] == 0;
}

void add_message(const nlmsghdr* h, std::unordered_map<uint64_t, TcpFacts>& out) {
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return;
  const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
  if (m->idiag_inode == 0) return;
  TcpFacts f;
  f.state = m->idiag_state;
  f.local = address(m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
  if (!unspecified(m->id.idiag_dst, m->id.idiag_dport)) f.peer = address(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
  int len = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(inet_diag_msg)));
  for (auto* a = reinterpret_cast<const rtattr*>(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type != INET_DIAG_INFO) continue;
    // An older kernel sends a shorter tcp_info: the fields it lacks stay 0.
    tcp_info ti{};
    std::memcpy(&ti, RTA_DATA(a), std::min<std::size_t>(RTA_PAYLOAD(a), sizeof ti));
    f.unacked = ti.tcpi_unacked;
    f.retransmits = ti.tcpi_total_retrans;
    f.last_send_ms = ti.tcpi_last_data_sent;
    f.last_recv_ms = ti.tcpi_last_data_recv;
    f.bytes_sent = ti.tcpi_bytes_sent;
    f.bytes_acked = ti.tcpi_bytes_acked;
    f.bytes_received = ti.tcpi_bytes_received;
  }
  out[m->idiag_inode] = f;
}

}  // namespace

std::optional<std::unordered_map<uint64_t, TcpFacts>> dump_tcp_facts(int family) {
  std::unordered_map<uint64_t, TcpFacts> out;
  Fd s{socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)};
  if (s.fd < 0) return std::nullopt;
  struct {
    nlmsghdr h;
    inet_diag_req_v2 r;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.r.sdiag_family = static_cast<uint8_t>(family);
  req.r.sdiag_protocol = IPPROTO_TCP;
  // Every state a socket of the tracee can be in; time-wait and request minisockets are
  // many on a server and never a tracee's fd.
  // (States as numbered in the kernel's net/tcp_states.h: TIME_WAIT 6, NEW_SYN_RECV 12.)
  req.r.idiag_states = 0x1fff & ~((1u << 6) | (1u << 12));
  req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(s.fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) return std::nullopt;
  alignas(nlmsghdr) static thread_local char buf[32768];
  for (;;) {
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n <= 0) return out;  // EINTR, or the kernel went away: keep what came
    int left = static_cast<int>(n);
    for (auto* h = reinterpret_cast<const nlmsghdr*>(buf); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_ERROR) return std::nullopt;  // no inet_diag for this family
      if (h->nlmsg_type == NLMSG_DONE) return out;
      if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) add_message(h, out);
    }
  }
}

bool same_netns(int pid) {
  struct stat mine {}, theirs {};
  if (stat("/proc/self/ns/net", &mine) != 0) return false;
  if (stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &theirs) != 0) return false;
  return mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev;
}

std::optional<std::unordered_map<uint64_t, TcpFacts>> dump_tcp_facts_of(int pid, int family) {
  if (same_netns(pid)) return dump_tcp_facts(family);
  std::optional<std::unordered_map<uint64_t, TcpFacts>> out;
  Fd ns{open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC)};
  if (ns.fd < 0) return out;
  // setns(CLONE_NEWNET) moves only the calling thread: the tracer's own threads stay where
  // they are, and the helper ends with its dump.
  std::thread([&] {
    if (setns(ns.fd, CLONE_NEWNET) == 0) out = dump_tcp_facts(family);
  }).join();
  return out;
}

}  // namespace gotrace::engine
