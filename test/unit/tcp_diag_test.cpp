// The kernel's TCP facts (sock_diag tcp_info) of a real loopback connection, and a
// snapshot of this process carrying them on its socket fd.
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "proc_facts.h"
#include "snapshot_report.h"
#include "tcp_diag.h"

using namespace gotrace;
using namespace gotrace::engine;

namespace {

struct Loopback {
  int listener = -1, client = -1, server = -1;
  Loopback() {
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(listener, 1) == 0);
    REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    server = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    REQUIRE(server >= 0);
  }
  ~Loopback() {
    for (int fd : {listener, client, server})
      if (fd >= 0) close(fd);
  }
};

int port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  return ntohs(a.sin_port);
}

uint64_t inode_of(int fd) {
  struct stat st {};
  REQUIRE(fstat(fd, &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("sock_diag: a request sent and not answered, as the kernel sees it", "[engine][tcp]") {
  Loopback l;
  std::string req = "GET /x/@v/list HTTP/1.1\r\n\r\n";
  REQUIRE(write(l.client, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
  char buf[64];
  REQUIRE(read(l.server, buf, sizeof buf) == static_cast<ssize_t>(req.size()));
  auto dump = dump_tcp_facts(AF_INET);
  REQUIRE(dump);
  auto& facts = *dump;
  auto c = facts.find(inode_of(l.client));
  REQUIRE(c != facts.end());
  CHECK(c->second.state == 1);  // ESTABLISHED
  CHECK(c->second.bytes_sent == req.size());
  CHECK(c->second.bytes_received == 0);
  CHECK(c->second.unacked == 0);
  CHECK(c->second.last_send_ms < 60'000);
  auto s = facts.find(inode_of(l.server));
  REQUIRE(s != facts.end());
  CHECK(s->second.bytes_received == req.size());
  CHECK(s->second.bytes_sent == 0);
  CHECK(c->second.local == "127.0.0.1:" + std::to_string(port_of(l.client)));
  CHECK(c->second.peer == "127.0.0.1:" + std::to_string(port_of(l.listener)));
  auto listener = facts.find(inode_of(l.listener));
  REQUIRE(listener != facts.end());
  CHECK(listener->second.state == 10);  // LISTEN
  CHECK(listener->second.peer.empty());
}

TEST_CASE("a snapshot of a process carries the TCP facts on its socket fds", "[engine][tcp]") {
  Loopback l;
  REQUIRE(write(l.client, "ping", 4) == 4);
  REQUIRE(same_netns(getpid()));
  SocketTable sockets;
  Snapshot snap = read_snapshot(getpid(), {}, sockets);
  const OpenFd* client = nullptr;
  const OpenFd* listener = nullptr;
  for (const OpenFd& f : snap.fds) {
    if (f.fd == l.client) client = &f;
    if (f.fd == l.listener) listener = &f;
  }
  REQUIRE(client);
  CHECK(client->target.rfind("TCP:[127.0.0.1:", 0) == 0);
  CHECK(client->tcp_state == 1);
  CHECK(client->bytes_sent == 4);
  CHECK(client->last_send_ms >= 0);
  REQUIRE(listener);
  CHECK(listener->tcp_state == 0);  // a listener: no facts
  CHECK(listener->target.find("LISTEN") != std::string::npos);
  CHECK(listener->file_size == -1);
}

TEST_CASE("a snapshot gives a regular file's size and how long ago it changed", "[engine]") {
  char path[] = "/tmp/gotrace-unit-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "12345", 5) == 5);
  SocketTable sockets;
  Snapshot snap = read_snapshot(getpid(), {}, sockets);
  unlink(path);
  close(fd);
  const OpenFd* file = nullptr;
  for (const OpenFd& f : snap.fds)
    if (f.fd == fd) file = &f;
  REQUIRE(file);
  CHECK(file->target == path);
  CHECK(file->file_size == 5);
  CHECK(file->modified_ms >= 0);
  CHECK(file->modified_ms < 60'000);
  CHECK(file->tcp_state == 0);
}

TEST_CASE("the attach report shows when data last moved on a TCP socket", "[sink][tcp]") {
  Snapshot snap;
  OpenFd f{7, "TCP:[127.0.0.1:41156->127.0.0.1:45363] ESTABLISHED"};
  f.tcp_state = 1;
  f.last_send_ms = 2100;
  f.bytes_sent = 312;
  f.last_recv_ms = 2400;  // counts from the connect: nothing was received
  f.unacked = 1;
  snap.fds = {{0, "/dev/null"}, f};
  std::string text = sinks::describe_snapshot(40, {"go", "mod", "download"}, snap, {});
  CHECK_THAT(text, Catch::Contains("  fd 0    /dev/null\n"));
  CHECK_THAT(text, Catch::Contains("  fd 7    TCP:[127.0.0.1:41156->127.0.0.1:45363] ESTABLISHED (sent 312 B, last "
                                   "2.1 s ago; nothing received; 1 unacked)\n"));
}

namespace {

// In a child in a new network namespace: lo up, a loopback connection with 5 bytes sent.
// Writes the client socket's inode (0 on failure) to `report`, then waits for `done`.
[[noreturn]] void child_in_new_netns(int report, int done) {
  uint64_t inode = 0;
  if (unshare(CLONE_NEWNET) == 0) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    ifreq ifr{};
    std::strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
      ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
      ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct stat st {};
    if (bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(l, 1) == 0 &&
        getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) == 0 &&
        connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && write(c, "hello", 5) == 5 &&
        fstat(c, &st) == 0)
      inode = st.st_ino;
  }
  if (write(report, &inode, sizeof inode) != sizeof inode) _exit(1);
  char b;
  while (read(done, &b, 1) < 0) {
  }
  _exit(0);
}

}  // namespace

TEST_CASE("sock_diag in another network namespace: read from a thread that joins it", "[engine][tcp]") {
  int report[2], done[2];
  REQUIRE(pipe2(report, O_CLOEXEC) == 0);
  REQUIRE(pipe2(done, O_CLOEXEC) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(report[0]);
    close(done[1]);  // or its own copy would keep `done` from ever ending
    child_in_new_netns(report[1], done[0]);
  }
  close(report[1]);
  close(done[0]);
  uint64_t inode = 0;
  bool got = read(report[0], &inode, sizeof inode) == sizeof inode;
  std::unordered_map<uint64_t, TcpFacts> facts;
  bool other_ns = false;
  if (got && inode) {
    other_ns = !same_netns(pid);
    facts = dump_tcp_facts_of(pid, AF_INET).value_or(std::unordered_map<uint64_t, TcpFacts>{});
  }
  close(done[1]);  // the child exits
  close(report[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(got);
  if (inode == 0) {
    WARN("skipped: cannot make a network namespace with a loopback connection here");
    return;
  }
    CHECK(other_ns);
  REQUIRE(facts.count(inode) == 1);
  CHECK(facts.at(inode).bytes_sent == 5);
  CHECK(facts.at(inode).state == 1);
}

TEST_CASE("a snapshot names unix and UDP sockets from their own tables", "[engine][tcp]") {
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(udp >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  int netlink = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  SocketTable sockets;
  Snapshot snap = read_snapshot(getpid(), {}, sockets);
  std::string unix_target, udp_target, netlink_target;
  for (const OpenFd& f : snap.fds) {
    if (f.fd == pair[0]) unix_target = f.target;
    if (f.fd == udp) udp_target = f.target;
    if (f.fd == netlink) netlink_target = f.target;
  }
  for (int fd : {pair[0], pair[1], udp, netlink})
    if (fd >= 0) close(fd);
  CHECK_THAT(unix_target, Catch::Matches("UNIX-STREAM:\\[[0-9]+\\]"));
  CHECK_THAT(udp_target, Catch::StartsWith("UDP:[127.0.0.1:"));
  if (netlink >= 0) CHECK_THAT(netlink_target, Catch::StartsWith("socket:["));  // in no table: as readlink says
}
