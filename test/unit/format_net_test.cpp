// Formatter (gotrace_format): exact strace text for sockets, futex, epoll, poll/select,
// sleeps and getrandom, through capture on a FakeTask as in format_test.cpp. Lines marked
// "as strace 6.1 prints" come from strace runs of small C programs (addresses replaced).
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "format_helpers.h"

using namespace gotrace;
using namespace gotrace::test;

TEST_CASE("sockets: socket, sockopts, bind/listen/connect/accept", "[format]") {
  Tracer tr;
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::socket, {2, 1 | 02000000 | 04000, 0}, 3) ==
        "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3");
  CHECK(tr.call(SysNo::socket, {1, 2, 0}, 6) == "socket(AF_UNIX, SOCK_DGRAM, 0) = 6");
  CHECK(tr.call(SysNo::socket, {10, 2 | 02000000, 17}, 7) ==
        "socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_UDP) = 7");
  CHECK(tr.call(SysNo::socket, {16, 3 | 02000000, 0}, 8) ==
        "socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 8");
  CHECK(tr.call(SysNo::socket, {2, 3, 1}, 9) == "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) = 9");
  CHECK(tr.call(SysNo::socket, {17, 2, 0x0300}, 12) == "socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL)) = 12");
  CHECK(tr.call(SysNo::socket, {99, 99, 99}, -22) ==
        "socket(0x63 /* AF_??? */, SOCK_RAW|0x60 /* SOCK_??? */, 99) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::socket, {2, 1 | 0x100000, 0}, -22) ==
        "socket(AF_INET, SOCK_STREAM|0x100000 /* SOCK_??? */, IPPROTO_IP) = -1 EINVAL (Invalid argument)");
  tr.yy(2);
  CHECK(tr.call(SysNo::socket, {2, 1, 0}, 3, {}, "TCP:[11546]") ==
        "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3<TCP:[11546]>");
  tr.yy(0);

  uint64_t one = tr.t.put(u32(1));
  CHECK(tr.call(SysNo::setsockopt, {3, 1, 2, one, 4}, 0) == "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
  CHECK(tr.call(SysNo::setsockopt, {3, 6, 1, one, 4}, 0) == "setsockopt(3, SOL_TCP, TCP_NODELAY, [1], 4) = 0");
  CHECK(tr.call(SysNo::setsockopt, {3, 1, 13, tr.t.put(u32(1) + u32(5)), 8}, 0) ==
        "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8) = 0");
  CHECK(tr.call(SysNo::setsockopt, {3, 1, 8, one, 2}, -22) ==
        "setsockopt(3, SOL_SOCKET, SO_RCVBUF, " + hex(one) + ", 2) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::setsockopt, {3, 41, 26, one, 4}, -92) ==
        "setsockopt(3, SOL_IPV6, IPV6_V6ONLY, [1], 4) = -1 ENOPROTOOPT (Protocol not available)");

  std::string sin("\x02\x00\x00\x00\x7f\x00\x00\x01", 8);
  sin += std::string(8, '\0');
  CHECK(tr.call(SysNo::bind, {3, tr.t.put(sin), 16}, 0) ==
        R"(bind(3, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0)");
  CHECK(tr.call(SysNo::listen, {3, 4096}, 0) == "listen(3, 4096) = 0");
  std::string bound("\x02\x00\x9a\x99\x7f\x00\x00\x01", 8);  // port 39577
  bound += std::string(8, '\0');
  CHECK(tr.call(SysNo::connect, {4, tr.t.put(bound), 16}, -115) ==
        R"(connect(4, {sa_family=AF_INET, sin_port=htons(39577), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress))");
  CHECK(tr.call(SysNo::connect, {7, kBadAddr, 16}, -14) == "connect(7, 0x1, 16) = -1 EFAULT (Bad address)");
  CHECK(tr.call(SysNo::connect, {7, tr.t.put(std::string(16, '\0')), 16}, 0) ==
        R"(connect(7, {sa_family=AF_UNSPEC, sa_data="\0\0\0\0\0\0\0\0\0\0\0\0\0\0"}, 16) = 0)");

  uint64_t addr = tr.t.put(std::string(128, '\0'));
  uint64_t len = tr.t.put(u32(16));
  CHECK(tr.call(SysNo::getsockname, {3, addr, len}, 0, [&] { tr.t.poke(addr, bound); }) ==
        R"(getsockname(3, {sa_family=AF_INET, sin_port=htons(39577), sin_addr=inet_addr("127.0.0.1")}, [16]) = 0)");
  CHECK(tr.entry_head == "getsockname(3, ");
  tr.t.poke(len, u32(128));
  CHECK(tr.call(SysNo::getsockname, {3, addr, len}, 0, [&] { tr.t.poke(len, u32(16)); }) ==
        R"(getsockname(3, {sa_family=AF_INET, sin_port=htons(39577), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 0)");
  std::string peer("\x02\x00\x90\xac\x7f\x00\x00\x01", 8);  // port 37036
  peer += std::string(8, '\0');
  tr.t.poke(len, u32(128));
  CHECK(tr.call(SysNo::accept4, {3, addr, len, 02000000 | 04000}, 5, [&] {
          tr.t.poke(addr, peer);
          tr.t.poke(len, u32(16));
        }) == R"(accept4(3, {sa_family=AF_INET, sin_port=htons(37036), sin_addr=inet_addr("127.0.0.1")}, [128 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 5)");
  CHECK(tr.call(SysNo::accept4, {3, addr, len, 02000000}, -11) ==
        "accept4(3, " + hex(addr) + ", [16], SOCK_CLOEXEC) = -1 EAGAIN (Resource temporarily unavailable)");
  CHECK(tr.call(SysNo::accept, {3, 0, 0}, -11) ==
        "accept(3, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)");

  uint64_t val = tr.t.put(u32(0));
  uint64_t vlen = tr.t.put(u32(4));
  CHECK(tr.call(SysNo::getsockopt, {4, 1, 4, val, vlen}, 0) == "getsockopt(4, SOL_SOCKET, SO_ERROR, [0], [4]) = 0");
  CHECK(tr.entry_head == "getsockopt(4, SOL_SOCKET, SO_ERROR, ");
  CHECK(tr.call(SysNo::getsockopt, {4, 1, 4, val, vlen}, 0, [&] { tr.t.poke(val, u32(111)); }) ==
        "getsockopt(4, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0");
  tr.t.poke(val, u32(1));
  CHECK(tr.call(SysNo::getsockopt, {4, 1, 3, val, vlen}, 0) == "getsockopt(4, SOL_SOCKET, SO_TYPE, [1], [4]) = 0");
  uint64_t big = tr.t.put(std::string(8, '\0'));
  tr.t.poke(vlen, u32(8));
  CHECK(tr.call(SysNo::getsockopt, {4, 1, 8, big, vlen}, 0, [&] {
          tr.t.poke(big, u32(131072));
          tr.t.poke(vlen, u32(4));
        }) == "getsockopt(4, SOL_SOCKET, SO_RCVBUF, [131072], [8 => 4]) = 0");
  CHECK(tr.call(SysNo::getsockopt, {4, 1, 8, big, vlen}, -9) ==
        "getsockopt(4, SOL_SOCKET, SO_RCVBUF, " + hex(big) + ", [4]) = -1 EBADF (Bad file descriptor)");
}

TEST_CASE("sockaddr families", "[format]") {
  Tracer tr;
  auto connect = [&](std::string_view sa, uint64_t len, int64_t ret) {
    return tr.call(SysNo::connect, {6, tr.t.put(sa), len}, ret);
  };
  std::string un("\x01\x00/run/x", 8);
  std::string un_full = un + std::string(110 - un.size(), '\0');
  // as strace 6.1 prints
  CHECK(connect(un_full, 110, -2) ==
        R"(connect(6, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = -1 ENOENT (No such file or directory))");
  CHECK(connect(un_full, 9, -2) ==
        R"(connect(6, {sa_family=AF_UNIX, sun_path="/run/x"}, 9) = -1 ENOENT (No such file or directory))");
  CHECK(tr.call(SysNo::bind, {6, tr.t.put(std::string_view("\x01\x00\x00" "abstract", 11)), 11}, 0) ==
        R"(bind(6, {sa_family=AF_UNIX, sun_path=@"abstract"}, 11) = 0)");
  std::string in6(28, '\0');
  in6[0] = 10;
  in6[2] = 0;
  in6[3] = 53;
  in6[8 + 15] = 1;
  CHECK(connect(in6, 28, 0) ==
        R"(connect(6, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0)");
  std::string doc(in6);
  const unsigned char a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::memcpy(doc.data() + 8, a6, 16);
  doc[7] = 5;   // flowinfo, network order
  doc[24] = 2;  // scope id
  CHECK(tr.call(SysNo::sendto, {7, tr.t.put("q"), 1, 0, tr.t.put(doc), 28}, 1) ==
        R"(sendto(7, "q", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(5), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=2}, 28) = 1)");
  std::string nl(12, '\0');
  nl[0] = 16;
  CHECK(tr.call(SysNo::bind, {8, tr.t.put(nl), 12}, 0) ==
        "bind(8, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0");
  uint64_t shortaddr = tr.t.put(un);
  CHECK(tr.call(SysNo::connect, {6, shortaddr, 1}, -22) ==
        "connect(6, " + hex(shortaddr) + ", 1) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::connect, {6, shortaddr, 2}, -22) ==
        "connect(6, {sa_family=AF_UNIX}, 2) = -1 EINVAL (Invalid argument)");
}

TEST_CASE("send/recv, msghdr, mmsghdr, shutdown", "[format]") {
  Tracer tr;
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::sendto, {4, tr.t.put("hello"), 5, 0x4000, 0, 0}, 5) ==
        R"(sendto(4, "hello", 5, MSG_NOSIGNAL, NULL, 0) = 5)");
  uint64_t buf = tr.t.put(std::string(100, '\0'));
  CHECK(tr.call(SysNo::recvfrom, {5, buf, 100, 0, 0, 0}, 5, [&] { tr.t.poke(buf, "hello"); }) ==
        R"(recvfrom(5, "hello", 100, 0, NULL, NULL) = 5)");
  CHECK(tr.entry_head == "recvfrom(5, ");
  uint64_t from = tr.t.put(std::string(128, '\0'));
  uint64_t flen = tr.t.put(u32(16));
  CHECK(tr.call(SysNo::recvfrom, {5, buf, 100, 0x40 | 0x2, from, flen}, -11) ==
        "recvfrom(5, " + hex(buf) + ", 100, MSG_PEEK|MSG_DONTWAIT, " + hex(from) +
            ", [16]) = -1 EAGAIN (Resource temporarily unavailable)");

  Iov w[2] = {{tr.t.put("abc"), 3}, {tr.t.put("de"), 2}};
  Msghdr sm{0, 0, 0, tr.t.put(bytes_of(w)), 2, 0, 0, 0, 0};
  CHECK(tr.call(SysNo::sendmsg, {4, tr.t.put_struct(sm), 0x4000}, 5) ==
        R"(sendmsg(4, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="abc", iov_len=3}, {iov_base="de", iov_len=2}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 5)");

  uint64_t r1 = tr.t.put("..");
  uint64_t r2 = tr.t.put("..........");
  Iov r[2] = {{r1, 2}, {r2, 10}};
  uint64_t name = tr.t.put(std::string(128, '\0'));
  Msghdr rm{name, 128, 0, tr.t.put(bytes_of(r)), 2, 0, 0, 0, 0};
  uint64_t rmp = tr.t.put_struct(rm);
  CHECK(tr.call(SysNo::recvmsg, {5, rmp, 0}, 5, [&] {
          Msghdr after = rm;
          after.namelen = 0;
          tr.t.poke_struct(rmp, after);
          tr.t.poke(r1, "ab");
          tr.t.poke(r2, "cde");
        }) == "recvmsg(5, {msg_name=" + hex(name) +
                  R"(, msg_namelen=128 => 0, msg_iov=[{iov_base="ab", iov_len=2}, {iov_base="cde", iov_len=10}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 5)");
  CHECK(tr.entry_head == "recvmsg(5, ");
  CHECK(tr.call(SysNo::recvmsg, {5, rmp, 0x40}, -11) ==
        "recvmsg(5, {msg_namelen=0}, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)");

  struct Mmsg {
    Msghdr hdr;
    uint32_t len, pad;
  };
  Iov a{tr.t.put("abc"), 3}, b{tr.t.put("de"), 2};
  Mmsg mv[2] = {{{0, 0, 0, tr.t.put_struct(a), 1, 0, 0, 0, 0}, 0, 0},
                {{0, 0, 0, tr.t.put_struct(b), 1, 0, 0, 0, 0}, 0, 0}};
  uint64_t mvp = tr.t.put(bytes_of(mv));
  CHECK(tr.call(SysNo::sendmmsg, {4, mvp, 2, 0}, 2, [&] {
          mv[0].len = 3;
          mv[1].len = 2;
          tr.t.poke(mvp, bytes_of(mv));
        }) ==
        R"(sendmmsg(4, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="abc", iov_len=3}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=3}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="de", iov_len=2}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=2}], 2, 0) = 2)");

  CHECK(tr.call(SysNo::shutdown, {4, 1}, 0) == "shutdown(4, SHUT_WR) = 0");
  CHECK(tr.call(SysNo::shutdown, {5, 2}, 0) == "shutdown(5, SHUT_RDWR) = 0");

  uint64_t sp = tr.t.put(std::string(8, '\0'));
  CHECK(tr.call(SysNo::socketpair, {1, 1 | 02000000, 0, sp}, 0, [&] { tr.t.poke(sp, u32(13) + u32(14)); }) ==
        "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [13, 14]) = 0");
}

TEST_CASE("futex: only the arguments the op uses", "[format]") {
  Tracer tr;
  const uint64_t f = 0xc000050948;
  const std::string fa = "futex(0xc000050948, ";
  uint64_t ts = tr.t.put_struct(Timespec{0, 100000});
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::futex, {f, 128, 0, 0, 0, 0}, 0) == fa + "FUTEX_WAIT_PRIVATE, 0, NULL) = 0");
  CHECK(tr.call(SysNo::futex, {f, 128, 1, 0, 0, 0}, -11) ==
        fa + "FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)");
  CHECK(tr.call(SysNo::futex, {f, 128, 0, ts, 0, 0}, -110) ==
        fa + "FUTEX_WAIT_PRIVATE, 0, {tv_sec=0, tv_nsec=100000}) = -1 ETIMEDOUT (Connection timed out)");
  CHECK(tr.call(SysNo::futex, {f, 129, 1, 0, 0, 0}, 1) == fa + "FUTEX_WAKE_PRIVATE, 1) = 1");
  CHECK(tr.call(SysNo::futex, {f, 1, 1, 0, 0, 0}, 0) == fa + "FUTEX_WAKE, 1) = 0");
  CHECK(tr.call(SysNo::futex, {f, 393, 0, ts, 0, 0xffffffff}, -110) ==
        fa + "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=100000}, "
             "FUTEX_BITSET_MATCH_ANY) = -1 ETIMEDOUT (Connection timed out)");
  CHECK(tr.call(SysNo::futex, {f, 265, 9333, 0, 0, 0xffffffff}, 0) ==
        fa + "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 9333, NULL, FUTEX_BITSET_MATCH_ANY) = 0");
  CHECK(tr.call(SysNo::futex, {f, 133, 1, 1, f, 0x04000001}, 0) ==
        fa + "FUTEX_WAKE_OP_PRIVATE, 1, 1, 0xc000050948, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0");
  CHECK(tr.call(SysNo::futex, {f, 131, 1, 2, f, 0}, 0) ==
        fa + "FUTEX_REQUEUE_PRIVATE, 1, 2, 0xc000050948) = 0");
  CHECK(tr.call(SysNo::futex, {f, 132, 1, 2, f, 0}, 0) ==
        fa + "FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, 0xc000050948, 0) = 0");
  CHECK(tr.call(SysNo::futex, {f, 0, 0, kBadAddr, 0, 0}, -14) ==
        fa + "FUTEX_WAIT, 0, 0x1) = -1 EFAULT (Bad address)");
  CHECK(tr.call(SysNo::futex, {f, 138, 1, 0, 0, 5}, 0) == fa + "FUTEX_WAKE_BITSET_PRIVATE, 1, 0x5) = 0");
  CHECK(tr.call(SysNo::futex, {f, 134, 0, 0, 0, 0}, 0) == fa + "FUTEX_LOCK_PI_PRIVATE, NULL) = 0");
  CHECK(tr.call(SysNo::futex, {f, 135, 0, 0, 0, 0}, 0) == fa + "FUTEX_UNLOCK_PI_PRIVATE) = 0");
  CHECK(tr.call(SysNo::futex, {f, 99, 0, 0, 0, 0}, -38) ==
        fa + "0x63 /* FUTEX_??? */, 0, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)");
  CHECK(tr.entry_head == fa + "0x63 /* FUTEX_??? */, 0, NULL, NULL, 0");
  SECTION("interrupted waits") {
    CHECK(tr.call(SysNo::futex, {f, 128, 0, 0, 0, 0}, -512) ==
          fa + "FUTEX_WAIT_PRIVATE, 0, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
  }
}

TEST_CASE("epoll", "[format]") {
  Tracer tr;
  auto event = [](uint32_t events, uint64_t data) { return bytes_of(events) + bytes_of(data); };
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::epoll_ctl, {3, 1, 4, tr.t.put(event(0x1 | 0x4 | 0x2000 | 0x80000000, 0x7f1234567890))}, 0) ==
        "epoll_ctl(3, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, "
        "data={u32=878082192, u64=139716164221072}}) = 0");
  const std::string ev = event(1, 139715286138884);
  CHECK(tr.call(SysNo::epoll_ctl, {3, 3, 4, tr.t.put(ev)}, 0) ==
        "epoll_ctl(3, EPOLL_CTL_MOD, 4, {events=EPOLLIN, data={u32=4, u64=139715286138884}}) = 0");
  CHECK(tr.call(SysNo::epoll_ctl, {3, 2, 4, 0}, 0) == "epoll_ctl(3, EPOLL_CTL_DEL, 4, NULL) = 0");
  CHECK(tr.call(SysNo::epoll_ctl, {3, 2, 4, kBadAddr}, -2) ==
        "epoll_ctl(3, EPOLL_CTL_DEL, 4, 0x1) = -1 ENOENT (No such file or directory)");
  uint64_t evs = tr.t.put(std::string(12 * 128, '\0'));
  auto ready = [&] { tr.t.poke(evs, ev); };
  CHECK(tr.call(SysNo::epoll_wait, {3, evs, 8, 0}, 1, ready) ==
        "epoll_wait(3, [{events=EPOLLIN, data={u32=4, u64=139715286138884}}], 8, 0) = 1");
  CHECK(tr.call(SysNo::epoll_pwait, {3, evs, 128, neg(-1), 0, 0}, 1, ready) ==
        "epoll_pwait(3, [{events=EPOLLIN, data={u32=4, u64=139715286138884}}], 128, -1, NULL, 0) = 1");
  CHECK(tr.entry_head == "epoll_pwait(3, ");
  uint64_t urg = tr.t.put(bytes_of(uint64_t{1} << 22));
  CHECK(tr.call(SysNo::epoll_pwait, {3, evs, 8, 0, urg, 8}, 1, ready) ==
        "epoll_pwait(3, [{events=EPOLLIN, data={u32=4, u64=139715286138884}}], 8, 0, [URG], 8) = 1");
  CHECK(tr.call(SysNo::epoll_pwait, {3, evs, 8, 0, 0, 8}, 0) == "epoll_pwait(3, [], 8, 0, NULL, 8) = 0");
  uint64_t ts = tr.t.put_struct(Timespec{0, 1000});
  CHECK(tr.call(SysNo::epoll_pwait2, {7, evs, 2, ts, 0, 8}, 0) ==
        "epoll_pwait2(7, [], 2, {tv_sec=0, tv_nsec=1000}, NULL, 8) = 0");
  CHECK(tr.call(SysNo::epoll_pwait2, {7, evs, 2, 0, 0, 0}, -4) ==
        "epoll_pwait2(7, " + hex(evs) + ", 2, NULL, NULL, 0) = -1 EINTR (Interrupted system call)");
  SECTION("more events than -s") {
    tr.fmt.string_limit = 1;
    CHECK(tr.call(SysNo::epoll_wait, {3, evs, 8, 0}, 2, [&] { tr.t.poke(evs, ev + ev); }) ==
          "epoll_wait(3, [{events=EPOLLIN, data={u32=4, u64=139715286138884}}, ...], 8, 0) = 2");
  }
}

TEST_CASE("poll, select, sleeps, getrandom", "[format]") {
  Tracer tr;
  struct Pollfd {
    int32_t fd;
    int16_t events, revents;
  };
  Pollfd fds[3] = {{4, 1, 0}, {5, 1 | 4, 0}, {-1, 0, 0}};
  uint64_t p = tr.t.put(bytes_of(fds));
  // as strace 6.1 prints (without -y: strace -y would also show the fds' targets)
  CHECK(tr.call(SysNo::poll, {p, 3, 1000}, 1, [&] {
          Pollfd after[3] = {{4, 1, 0}, {5, 5, 4}, {-1, 0, 0}};
          tr.t.poke(p, bytes_of(after));
        }) == "poll([{fd=4, events=POLLIN}, {fd=5, events=POLLIN|POLLOUT}, {fd=-1}], 3, 1000) = 1 "
               "([{fd=5, revents=POLLOUT}])");
  CHECK(tr.exit_head == tr.entry_head);
  CHECK(tr.call(SysNo::poll, {p, 1, 0}, 0) == "poll([{fd=4, events=POLLIN}], 1, 0) = 0 (Timeout)");
  uint64_t ts = tr.t.put_struct(Timespec{0, 100000});
  uint64_t urg = tr.t.put(bytes_of(uint64_t{1} << 22));
  CHECK(tr.call(SysNo::ppoll, {p, 1, ts, urg, 8}, 0) ==
        "ppoll([{fd=4, events=POLLIN}], 1, {tv_sec=0, tv_nsec=100000}, [URG], 8) = 0 (Timeout)");
  // strace 6.1 decodes the fd_sets ("[4]"); their kinds are Ptr here, so addresses.
  uint64_t tv = tr.t.put_struct(Timespec{0, 5});
  uint64_t set = tr.t.put(std::string(128, '\0'));
  CHECK(tr.call(SysNo::select, {5, set, 0, 0, tv}, 0) ==
        "select(5, " + hex(set) + ", NULL, NULL, {tv_sec=0, tv_usec=5}) = 0 (Timeout)");
  CHECK(tr.call(SysNo::pselect6, {5, set, 0, 0, tv, 0}, 0) ==
        "pselect6(5, " + hex(set) + ", NULL, NULL, {tv_sec=0, tv_nsec=5}, NULL) = 0 (Timeout)");

  // as strace 6.1 prints
  uint64_t ten = tr.t.put_struct(Timespec{0, 10000000});
  uint64_t rem = tr.t.put_struct(Timespec{0, 0});
  CHECK(tr.call(SysNo::clock_nanosleep, {0, 0, ten, 0}, 0) ==
        "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=10000000}, NULL) = 0");
  CHECK(tr.call(SysNo::clock_nanosleep, {1, 1, ten, 0}, 0) ==
        "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=0, tv_nsec=10000000}, NULL) = 0");
  CHECK(tr.call(SysNo::clock_nanosleep, {0, 0, ten, rem}, 0) ==
        "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=10000000}, " + hex(rem) + ") = 0");
  uint64_t req = tr.t.put_struct(Timespec{10, 0});
  CHECK(tr.call(SysNo::nanosleep, {req, rem}, -516, [&] { tr.t.poke_struct(rem, Timespec{9, 5}); }) ==
        "nanosleep({tv_sec=10, tv_nsec=0}, {tv_sec=9, tv_nsec=5}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)");

  uint64_t rb = tr.t.put(std::string(64, '\0'));
  const std::string r8("\xbc\x3f\xa3\x25\xd7\x6b\x81\x05", 8);
  CHECK(tr.call(SysNo::getrandom, {rb, 8, 1}, 8, [&] { tr.t.poke(rb, r8); }) ==
        R"(getrandom("\xbc\x3f\xa3\x25\xd7\x6b\x81\x05", 8, GRND_NONBLOCK) = 8)");
  CHECK(tr.entry_head == "getrandom(");
  std::string r40;
  for (int i = 0; i < 40; ++i) r40 += static_cast<char>(0xc0 + i);
  CHECK(tr.call(SysNo::getrandom, {rb, 40, 0}, 40, [&] { tr.t.poke(rb, r40); }) ==
        R"(getrandom("\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf"..., 40, 0) = 40)");
  CHECK(tr.call(SysNo::getrandom, {rb, 4, 2 | 4}, -22) ==
        "getrandom(" + hex(rb) + ", 4, GRND_RANDOM|GRND_INSECURE) = -1 EINVAL (Invalid argument)");
}

