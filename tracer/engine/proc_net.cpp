// Parser for /proc/PID/net socket tables. See proc_net.h.
#include "proc_net.h"

#include <arpa/inet.h>
#include <sys/xattr.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

namespace gotrace::engine {
namespace {

// "0100007F:1F90" (IPv4, host-endian hex) or 32 hex digits + port (IPv6) -> "127.0.0.1:8080".
std::string decode_address(const std::string& hex, bool v6) {
  auto colon = hex.find(':');
  if (colon == std::string::npos) return hex;
  unsigned port = static_cast<unsigned>(std::strtoul(hex.c_str() + colon + 1, nullptr, 16));
  char text[INET6_ADDRSTRLEN] = "?";
  if (!v6 && colon == 8) {
    uint32_t a = static_cast<uint32_t>(std::strtoul(hex.substr(0, 8).c_str(), nullptr, 16));
    inet_ntop(AF_INET, &a, text, sizeof text);
    return std::string(text) + ":" + std::to_string(port);
  }
  if (v6 && colon == 32) {
    uint32_t words[4];
    for (int i = 0; i < 4; ++i)
      words[i] = static_cast<uint32_t>(std::strtoul(hex.substr(i * 8, 8).c_str(), nullptr, 16));
    inet_ntop(AF_INET6, words, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(port);
  }
  return hex;
}

bool is_unspecified(const std::string& addr) {
  return addr == "0.0.0.0:0" || addr == "[::]:0";
}

}  // namespace

const char* tcp_state_name(int st) {
  static const char* const kNames[] = {"?",         "ESTABLISHED", "SYN_SENT",   "SYN_RECV",
                                       "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",  "CLOSE",
                                       "CLOSE_WAIT", "LAST_ACK",   "LISTEN",     "CLOSING",
                                       "NEW_SYN_RECV"};
  return st >= 0 && st < static_cast<int>(std::size(kNames)) ? kNames[st] : "?";
}

std::string SocketInfo::describe() const {
  std::string s = proto + ":[";
  s += local;
  if (!peer.empty()) s += "->" + peer;
  return s + "]";
}

int64_t realtime_ms() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

uint64_t socket_inode(const std::string& t) {
  if (t.rfind("socket:[", 0) != 0) return 0;
  return std::strtoull(t.c_str() + 8, nullptr, 10);
}

std::string socket_protocol(const std::string& fd_path) {
  char name[32];
  ssize_t n = fd_path.empty() ? -1 : getxattr(fd_path.c_str(), "system.sockprotoname", name, sizeof name - 1);
  if (n <= 0) return "";
  return std::string(name, strnlen(name, static_cast<std::size_t>(n)));  // the kernel counts the NUL
}

void SocketTable::use_pid(int pid) {
  if (pid == loaded_pid_) return;
  by_inode_.clear();
  tcp_[0].clear();
  tcp_[1].clear();
  invalidate();
  loaded_pid_ = pid;
}

const SocketInfo* SocketTable::find(int pid, uint64_t inode, const std::string& fd_path) {
  use_pid(pid);
  std::vector<Kind> kinds;
  if (std::string proto = socket_protocol(fd_path); !proto.empty()) {
    // "UNIX-STREAM" (or "UNIX" before Linux 5.x); an MPTCP socket is in the TCP tables.
    static const std::pair<const char*, std::vector<Kind>> kNames[] = {
        {"TCP", {kTcp}}, {"TCPv6", {kTcp6}}, {"UDP", {kUdp}}, {"UDPv6", {kUdp6}},
        {"MPTCP", {kTcp, kTcp6}}, {"MPTCPv6", {kTcp6}}};
    for (const auto& [name, k] : kNames)
      if (proto == name) kinds = k;
    if (proto.rfind("UNIX", 0) == 0) kinds = {kUnix};
    if (kinds.empty()) return nullptr;  // netlink, raw, packet...: in none of the tables
  } else {
    kinds = {kTcp, kTcp6, kUdp, kUdp6, kUnix};
  }
  auto it = by_inode_.find(inode);
  bool fresh = std::all_of(kinds.begin(), kinds.end(), [&](Kind k) { return loaded_[k]; });
  if (it != by_inode_.end() && fresh) return &it->second;
  for (Kind k : kinds) load(pid, k);  // stale, or a socket made since the last read
  it = by_inode_.find(inode);
  return it == by_inode_.end() ? nullptr : &it->second;
}

const TcpFacts* SocketTable::tcp_facts(int pid, uint64_t inode, bool v6) {
  use_pid(pid);
  if (!loaded_[v6 ? kTcp6 : kTcp]) load(pid, v6 ? kTcp6 : kTcp);
  auto& table = tcp_[v6 ? 1 : 0];
  auto it = table.find(inode);
  return it == table.end() ? nullptr : &it->second;
}

void SocketTable::load(int pid, Kind kind) {
  loaded_[kind] = true;
  const std::string base = "/proc/" + std::to_string(pid) + "/net/";
  if (kind == kTcp || kind == kTcp6) {
    const bool v6 = kind == kTcp6;
    dumped_ms_[v6 ? 1 : 0] = realtime_ms();
    auto dump = dump_tcp_facts_of(pid, v6 ? AF_INET6 : AF_INET);
    if (dump) {
      tcp_[v6 ? 1 : 0] = std::move(*dump);
      for (const auto& [inode, f] : tcp_[v6 ? 1 : 0]) {
        SocketInfo& info = by_inode_[inode];
        info.proto = v6 ? "TCPv6" : "TCP";
        info.local = f.local;
        info.peer = f.peer;
        info.tcp_state = f.state;
      }
      return;
    }
    tcp_[v6 ? 1 : 0].clear();  // no netlink here: addresses and state from /proc
  }
  if (kind == kUnix) {
    std::ifstream in(base + "unix");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string num, refs, proto, flags, type, st, path;
      uint64_t inode = 0;
      ls >> num >> refs >> proto >> flags >> type >> st >> inode;
      if (!ls || inode == 0) continue;
      ls >> path;
      SocketInfo info;
      unsigned long ty = std::strtoul(type.c_str(), nullptr, 16);
      info.proto = ty == 1 ? "UNIX-STREAM" : ty == 2 ? "UNIX-DGRAM" : "UNIX-SEQPACKET";
      // as strace -yy: UNIX-STREAM:[INODE] or UNIX-STREAM:[INODE,"PATH"]
      info.local = std::to_string(inode);
      if (!path.empty()) info.local += ",\"" + path + "\"";
      by_inode_[inode] = std::move(info);
    }
    return;
  }
  struct Inet {
    const char* file;
    const char* proto;
    bool v6;
    bool tcp;
  };
  static const Inet kFiles[] = {{"tcp", "TCP", false, true}, {"tcp6", "TCPv6", true, true},
                                {"udp", "UDP", false, false}, {"udp6", "UDPv6", true, false}};
  const Inet& t = kFiles[kind];
  std::ifstream in(base + t.file);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string slot, local, remote, st, queues, timer, retr, uid, timeout;
    uint64_t inode = 0;
    ls >> slot >> local >> remote >> st >> queues >> timer >> retr >> uid >> timeout >> inode;
    if (!ls || inode == 0) continue;
    SocketInfo info;
    info.proto = t.proto;
    info.local = decode_address(local, t.v6);
    info.peer = decode_address(remote, t.v6);
    if (is_unspecified(info.peer)) info.peer.clear();
    info.tcp_state = t.tcp ? static_cast<int>(std::strtol(st.c_str(), nullptr, 16)) : 0;
    by_inode_[inode] = std::move(info);
  }
}

}  // namespace gotrace::engine
