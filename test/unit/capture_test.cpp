// Capture (gotrace_decode) against FakeTask: for every argument kind the decoded syscalls
// use, what Arg::data holds after entry and exit (arg.h / arg_layout.h layouts), how limits
// truncate, and that bad pointers give ArgState::Unreadable instead of failing.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "fake_task.h"
#include "gotrace/arg_layout.h"
#include "gotrace/decode.h"
#include "gotrace/syscall_table.h"

using namespace gotrace;
using gotrace::test::FakeTask;
using gotrace::test::kBadAddr;
using layout::load;

namespace {

// One syscall going through entry and exit capture.
struct Call {
  SysNo sysno;
  Args args;
  decode::CaptureOptions opt;

  Call(SysNo s, std::initializer_list<uint64_t> raw, decode::CaptureOptions o = {})
      : sysno(s), opt(o) {
    std::size_t i = 0;
    for (uint64_t v : raw) args[i++].reset(v);
  }
  Call& entry(FakeTask& t) {
    decode::capture_entry(syscall_info(sysno), args, t, opt);
    return *this;
  }
  Call& exit(FakeTask& t, int64_t ret) {
    decode::capture_exit(syscall_info(sysno), ret, args, t, opt);
    return *this;
  }
  Arg& operator[](int i) { return args[static_cast<std::size_t>(i)]; }
};

template <typename T>
std::string bytes_of(const T& v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Iov {
  uint64_t base, len;
};
struct Timespec {
  int64_t sec, nsec;
};

std::string u32(uint32_t v) { return bytes_of(v); }

}  // namespace

TEST_CASE("Fd and DirFd capture the -y target at entry", "[decode]") {
  FakeTask t;
  t.set_fd(3, "/etc/passwd");
  SECTION("without -y nothing is read") {
    Call c(SysNo::close, {3});
    c.entry(t);
    CHECK(c[0].state == ArgState::Raw);
    CHECK(c[0].data.empty());
  }
  SECTION("with -y close keeps the path it closed") {
    Call c(SysNo::close, {3}, {.fd_detail = 1});
    c.entry(t);
    t.set_fd(3, "/reused");  // after the call the number may point elsewhere
    c.exit(t, 0);
    CHECK(c[0].state == ArgState::Captured);
    CHECK(c[0].data == "/etc/passwd");
  }
  SECTION("a closed fd stays Raw") {
    Call c(SysNo::read, {42, 0, 0}, {.fd_detail = 1});
    c.entry(t);
    CHECK(c[0].state == ArgState::Raw);
  }
  SECTION("DirFd: AT_FDCWD is not looked up, a real dirfd is") {
    uint64_t path = t.put_cstring("rel");
    Call cwd(SysNo::openat, {static_cast<uint64_t>(-100), path, 0, 0}, {.fd_detail = 1});
    cwd.entry(t);
    CHECK(cwd[0].state == ArgState::Raw);
    Call dir(SysNo::openat, {3, path, 0, 0}, {.fd_detail = 2});
    dir.entry(t);
    CHECK(dir[0].data == "/etc/passwd");
  }
}

TEST_CASE("Path: NUL-terminated, bounded, unreadable", "[decode]") {
  FakeTask t;
  uint64_t p = t.put_cstring("/etc/passwd");
  Call ok(SysNo::open, {p, 0, 0});
  ok.entry(t);
  CHECK(ok[0].state == ArgState::Captured);
  CHECK(ok[0].data == "/etc/passwd");

  Call cut(SysNo::open, {p, 0, 0}, {.path_limit = 4});
  cut.entry(t);
  CHECK(cut[0].state == ArgState::Truncated);
  CHECK(cut[0].data == "/etc");

  Call bad(SysNo::open, {kBadAddr, 0, 0});
  bad.entry(t);
  CHECK(bad[0].state == ArgState::Unreadable);
  CHECK(bad[0].data.empty());

  Call null(SysNo::open, {0, 0, 0});
  null.entry(t);
  CHECK(null[0].state == ArgState::Raw);
}

TEST_CASE("BufIn: the first min(count, limit) bytes at entry", "[decode]") {
  FakeTask t;
  std::string text(40, 'x');
  uint64_t buf = t.put(text);
  Call all(SysNo::write, {1, buf, 10});
  all.entry(t);
  CHECK(all[1].state == ArgState::Captured);
  CHECK(all[1].data == std::string(10, 'x'));

  Call cut(SysNo::write, {1, buf, 40}, {.buffer_limit = 32});
  cut.entry(t);
  CHECK(cut[1].state == ArgState::Truncated);
  CHECK(cut[1].data.size() == 32);

  Call none(SysNo::write, {1, buf, 0});
  none.entry(t);
  CHECK(none[1].state == ArgState::Captured);
  CHECK(none[1].data.empty());

  Call bad(SysNo::write, {1, kBadAddr, 5});
  bad.entry(t);
  CHECK(bad[1].state == ArgState::Unreadable);

  Call past_end(SysNo::write, {1, buf + 30, 20});  // runs off the mapping
  past_end.entry(t);
  CHECK(past_end[1].state == ArgState::Unreadable);
  CHECK(past_end[1].data.empty());
}

TEST_CASE("BufOut: read at exit, only when ret > 0", "[decode]") {
  FakeTask t;
  uint64_t buf = t.put(std::string(4096, '\0'));
  Call c(SysNo::read, {3, buf, 4096});
  c.entry(t);
  CHECK(c[1].state == ArgState::Raw);
  t.poke(buf, "root:x:0:0:root:/root:/bin/bash\nrest of the file");
  c.exit(t, 1234);
  CHECK(c[1].state == ArgState::Truncated);
  CHECK(c[1].data == "root:x:0:0:root:/root:/bin/bash\n");

  Call zero(SysNo::read, {3, buf, 4096});
  zero.entry(t).exit(t, 0);
  CHECK(zero[1].state == ArgState::Captured);
  CHECK(zero[1].data.empty());

  Call failed(SysNo::read, {3, buf, 4096});
  failed.entry(t).exit(t, -11);
  CHECK(failed[1].state == ArgState::Raw);

  Call bad(SysNo::read, {3, kBadAddr, 10});
  bad.entry(t).exit(t, 10);
  CHECK(bad[1].state == ArgState::Unreadable);

  SECTION("getcwd keeps the whole path, not -s bytes") {
    uint64_t cwd = t.put(std::string("/a/rather/long/working/directory/name\0", 38));
    Call g(SysNo::getcwd, {cwd, 256}, {.buffer_limit = 8});
    g.entry(t).exit(t, 38);
    CHECK(g[0].state == ArgState::Captured);
    CHECK(g[0].data.size() == 38);
  }
  SECTION("getrandom") {
    uint64_t r = t.put(std::string(32, '\x16'));
    Call g(SysNo::getrandom, {r, 32, 1});
    g.entry(t).exit(t, 32);
    CHECK(g[0].data == std::string(32, '\x16'));
  }
}

TEST_CASE("IovIn: per iovec {len, n, bytes}", "[decode]") {
  FakeTask t;
  Iov iov[3] = {{t.put("abc"), 3}, {t.put("defgh"), 5}, {t.put("x"), 0}};
  uint64_t arr = t.put(std::string(reinterpret_cast<const char*>(iov), sizeof iov));
  Call c(SysNo::writev, {5, arr, 3}, {.buffer_limit = 4});
  c.entry(t);
  CHECK(c[1].state == ArgState::Truncated);  // "defgh" cut to 4
  std::string want = bytes_of(uint64_t{3}) + u32(3) + "abc" + bytes_of(uint64_t{5}) + u32(4) +
                     "defg" + bytes_of(uint64_t{0}) + u32(0);
  CHECK(c[1].data == want);

  SECTION("vector limit") {
    Call v(SysNo::writev, {5, arr, 3}, {.vector_limit = 1});
    v.entry(t);
    CHECK(v[1].state == ArgState::Truncated);
    CHECK(v[1].data == bytes_of(uint64_t{3}) + u32(3) + "abc");
  }
  SECTION("unreadable array and unreadable base") {
    Call bad(SysNo::writev, {5, kBadAddr, 2});
    bad.entry(t);
    CHECK(bad[1].state == ArgState::Unreadable);
    Iov one{kBadAddr, 7};
    Call base(SysNo::writev, {5, t.put_struct(one), 1});
    base.entry(t);
    CHECK(base[1].state == ArgState::Captured);
    CHECK(base[1].data == bytes_of(uint64_t{7}) + u32(layout::kIovNoData) + bytes_of(kBadAddr));
  }
}

TEST_CASE("IovOut: the first ret bytes spread over the iovecs", "[decode]") {
  FakeTask t;
  uint64_t b1 = t.put("....");
  uint64_t b2 = t.put("..........");
  Iov iov[2] = {{b1, 4}, {b2, 10}};
  uint64_t arr = t.put(std::string(reinterpret_cast<const char*>(iov), sizeof iov));
  Call c(SysNo::readv, {4, arr, 2});
  c.entry(t);
  CHECK(c[1].state == ArgState::Raw);
  t.poke(b1, "abcd");
  t.poke(b2, "efgh");
  c.exit(t, 8);
  CHECK(c[1].state == ArgState::Captured);
  CHECK(c[1].data ==
        bytes_of(uint64_t{4}) + u32(4) + "abcd" + bytes_of(uint64_t{10}) + u32(4) + "efgh");

  SECTION("a failed call records the bases (strace prints them)") {
    Call f(SysNo::readv, {4, arr, 2});
    f.entry(t).exit(t, -11);
    layout::IovReader r(f[1].data);
    layout::IovEntry e;
    REQUIRE(r.next(e));
    CHECK_FALSE(e.has_data);
    CHECK(e.base == b1);
    REQUIRE(r.next(e));
    CHECK(e.base == b2);
  }
}

TEST_CASE("SockAddrIn: raw sockaddr of the given length", "[decode]") {
  FakeTask t;
  std::string sin("\x02\x00\x00\x50\x7f\x00\x00\x01", 8);
  sin += std::string(8, '\0');
  uint64_t a = t.put(sin);
  Call c(SysNo::connect, {3, a, 16});
  c.entry(t);
  CHECK(c[1].state == ArgState::Captured);
  CHECK(c[1].data == sin);

  Call big(SysNo::connect, {3, t.put(std::string(200, 'a')), 200});
  big.entry(t);
  CHECK(big[1].state == ArgState::Truncated);
  CHECK(big[1].data.size() == layout::kSockaddrMax);

  Call bad(SysNo::connect, {3, kBadAddr, 16});
  bad.entry(t);
  CHECK(bad[1].state == ArgState::Unreadable);

  Call null(SysNo::sendto, {3, t.put("x"), 1, 0, 0, 0});
  null.entry(t);
  CHECK(null[4].state == ArgState::Raw);
}

TEST_CASE("SockAddrOut and SockLenPtr: length in, length out", "[decode]") {
  FakeTask t;
  uint64_t addr = t.put(std::string(128, '\0'));
  uint64_t len = t.put(u32(128));
  Call c(SysNo::accept4, {3, addr, len, 0});
  c.entry(t);
  CHECK(c[2].data == u32(128));
  CHECK(c[1].state == ArgState::Raw);
  std::string sin("\x02\x00\x94\x2e\x7f\x00\x00\x01", 8);
  sin += std::string(8, '\0');
  t.poke(addr, sin);
  t.poke(len, u32(16));
  c.exit(t, 5);
  CHECK(c[2].data == u32(16) + u32(128));  // exit value first, entry value after
  CHECK(c[1].state == ArgState::Captured);
  CHECK(c[1].data == sin);

  SECTION("failure: the length keeps its entry value, the address is not read") {
    Call f(SysNo::accept4, {3, addr, len, 0});
    f.entry(t).exit(t, -11);
    CHECK(f[2].data == u32(16));
    CHECK(f[1].state == ArgState::Raw);
  }
  SECTION("NULL address and length") {
    Call n(SysNo::accept, {3, 0, 0});
    n.entry(t).exit(t, 5);
    CHECK(n[1].state == ArgState::Raw);
    CHECK(n[2].state == ArgState::Raw);
  }
  SECTION("unreadable length") {
    Call u(SysNo::getsockname, {3, addr, kBadAddr});
    u.entry(t);
    CHECK(u[2].state == ArgState::Unreadable);
    u.exit(t, 0);
    CHECK(u[2].state == ArgState::Unreadable);
    CHECK(u[1].state == ArgState::Raw);
  }
}

TEST_CASE("SockOptValIn/Out", "[decode]") {
  FakeTask t;
  Call set(SysNo::setsockopt, {3, 1, 2, t.put(u32(1)), 4});
  set.entry(t);
  CHECK(set[3].data == u32(1));

  uint64_t val = t.put(std::string(8, '\0'));
  uint64_t len = t.put(u32(8));
  Call get(SysNo::getsockopt, {3, 1, 8, val, len});
  get.entry(t);
  CHECK(get[3].state == ArgState::Raw);
  t.poke(val, u32(131072));
  t.poke(len, u32(4));
  get.exit(t, 0);
  CHECK(get[3].data == u32(131072));
  CHECK(get[4].data == u32(4) + u32(8));

  Call failed(SysNo::getsockopt, {3, 1, 4, val, len});
  failed.entry(t).exit(t, -9);
  CHECK(failed[3].state == ArgState::Raw);
}

namespace {
struct Msghdr {
  uint64_t name;
  uint32_t namelen, pad0;
  uint64_t iov, iovlen, control, controllen;
  int32_t flags, pad1;
};
static_assert(sizeof(Msghdr) == layout::kMsghdrSize);
}  // namespace

TEST_CASE("MsgHdrIn: msghdr, name, iovecs", "[decode]") {
  FakeTask t;
  Iov iov[2] = {{t.put("abc"), 3}, {t.put("de"), 2}};
  uint64_t arr = t.put(std::string(reinterpret_cast<const char*>(iov), sizeof iov));
  Msghdr m{t.put(std::string_view("\x01\x00/run/x", 8)), 8, 0, arr, 2, 0, 0, 0, 0};
  Call c(SysNo::sendmsg, {4, t.put_struct(m), 0x4000});
  c.entry(t);
  REQUIRE(c[1].state == ArgState::Captured);
  layout::MsgHdrView v;
  REQUIRE(layout::parse_msghdr(c[1].data, 0, v));
  CHECK(v.name == std::string_view("\x01\x00/run/x", 8));
  CHECK(v.iovcnt == 2);
  CHECK(layout::msghdr_end(c[1].data, 0) == c[1].data.size());

  Call bad(SysNo::sendmsg, {4, kBadAddr, 0});
  bad.entry(t);
  CHECK(bad[1].state == ArgState::Unreadable);
}

TEST_CASE("MsgHdrOut: entry msg_namelen kept after the exit encoding", "[decode]") {
  FakeTask t;
  uint64_t r1 = t.put("..");
  uint64_t r2 = t.put("..........");
  Iov iov[2] = {{r1, 2}, {r2, 10}};
  uint64_t arr = t.put(std::string(reinterpret_cast<const char*>(iov), sizeof iov));
  uint64_t name = t.put(std::string(128, '\0'));
  Msghdr m{name, 128, 0, arr, 2, 0, 0, 0, 0};
  uint64_t mp = t.put_struct(m);
  Call c(SysNo::recvmsg, {5, mp, 0});
  c.entry(t);
  CHECK(c[1].data == u32(128));
  m.namelen = 0;
  t.poke_struct(mp, m);
  t.poke(r1, "ab");
  t.poke(r2, "cde");
  c.exit(t, 5);
  REQUIRE(c[1].state == ArgState::Captured);
  std::size_t end = layout::msghdr_end(c[1].data, 0);
  REQUIRE(end != 0);
  CHECK(c[1].data.size() == end + 4);
  CHECK(load<uint32_t>(c[1].data, end) == 128);
  layout::MsgHdrView v;
  REQUIRE(layout::parse_msghdr(c[1].data, 0, v));
  layout::IovReader r(c[1].data, v.iov_pos);
  layout::IovEntry e;
  REQUIRE(r.next(e));
  CHECK(e.data == "ab");
  REQUIRE(r.next(e));
  CHECK(e.data == "cde");

  Call failed(SysNo::recvmsg, {5, mp, 0x40});
  failed.entry(t).exit(t, -11);
  CHECK(failed[1].data == u32(0));
}

TEST_CASE("MmsgHdrIn: count, then msg_len + msghdr per message", "[decode]") {
  FakeTask t;
  Iov a{t.put("abc"), 3}, b{t.put("de"), 2};
  struct Mmsg {
    Msghdr hdr;
    uint32_t len, pad;
  };
  Mmsg v[2] = {{{0, 0, 0, t.put_struct(a), 1, 0, 0, 0, 0}, 0, 0},
               {{0, 0, 0, t.put_struct(b), 1, 0, 0, 0, 0}, 0, 0}};
  uint64_t vp = t.put(std::string(reinterpret_cast<const char*>(v), sizeof v));
  Call c(SysNo::sendmmsg, {4, vp, 2, 0});
  c.entry(t);
  REQUIRE(c[1].state == ArgState::Captured);
  CHECK(load<uint32_t>(c[1].data, 0) == 2);
  CHECK(load<uint32_t>(c[1].data, 4) == 0);
  v[0].len = 3;
  v[1].len = 2;
  t.poke(vp, std::string(reinterpret_cast<const char*>(v), sizeof v));
  c.exit(t, 2);
  CHECK(load<uint32_t>(c[1].data, 4) == 3);
  std::size_t second = layout::msghdr_end(c[1].data, 8);
  CHECK(load<uint32_t>(c[1].data, second) == 2);
}

TEST_CASE("fixed-size structs: OpenHow, EpollEvent, Timespec, Timeval, Sigset, Sigaction, Rlimit",
          "[decode]") {
  FakeTask t;
  uint64_t how = t.put(std::string(24, '\x01'));
  Call oa(SysNo::openat2, {static_cast<uint64_t>(-100), t.put_cstring("/x"), how, 24});
  oa.entry(t);
  CHECK(oa[2].data.size() == 24);

  Call ep(SysNo::epoll_ctl, {3, 1, 4, t.put(std::string(12, '\x02'))});
  ep.entry(t);
  CHECK(ep[3].data.size() == 12);
  Call del(SysNo::epoll_ctl, {3, 2, 4, 0});
  del.entry(t);
  CHECK(del[3].state == ArgState::Raw);

  Call sel(SysNo::select, {5, 0, 0, 0, t.put_struct(Timespec{0, 5})});
  sel.entry(t);
  CHECK(sel[4].data == bytes_of(Timespec{0, 5}));

  Call mask(SysNo::rt_sigprocmask, {2, t.put(bytes_of(uint64_t{1} << 22)), kBadAddr, 8});
  mask.entry(t);
  CHECK(mask[1].data == bytes_of(uint64_t{1} << 22));
  mask.exit(t, 0);
  CHECK(mask[2].state == ArgState::Unreadable);

  uint64_t old = t.put(std::string(32, '\0'));
  Call sa(SysNo::rt_sigaction, {23, t.put(std::string(32, '\x07')), old, 8});
  sa.entry(t);
  CHECK(sa[1].data.size() == 32);
  CHECK(sa[2].state == ArgState::Raw);
  sa.exit(t, 0);
  CHECK(sa[2].data == std::string(32, '\0'));

  uint64_t rl = t.put(std::string(16, '\0'));
  Call pl(SysNo::prlimit64, {0, 7, t.put(std::string(16, '\x03')), rl});
  pl.entry(t);
  CHECK(pl[2].data.size() == 16);
  CHECK(pl[3].state == ArgState::Raw);
  pl.exit(t, 0);
  CHECK(pl[3].state == ArgState::Captured);
  Call plf(SysNo::prlimit64, {0, 7, 0, rl});
  plf.entry(t).exit(t, -1);
  CHECK(plf[3].state == ArgState::Raw);
}

TEST_CASE("TimespecOut only when the call failed", "[decode]") {
  FakeTask t;
  uint64_t req = t.put_struct(Timespec{10, 0});
  uint64_t rem = t.put_struct(Timespec{9, 5});
  Call ok(SysNo::nanosleep, {req, rem});
  ok.entry(t).exit(t, 0);
  CHECK(ok[0].data == bytes_of(Timespec{10, 0}));
  CHECK(ok[1].state == ArgState::Raw);
  Call eintr(SysNo::nanosleep, {req, rem});
  eintr.entry(t).exit(t, -516);
  CHECK(eintr[1].data == bytes_of(Timespec{9, 5}));
}

TEST_CASE("FutexTimeout: a timespec only for the waiting ops", "[decode]") {
  FakeTask t;
  uint64_t ts = t.put_struct(Timespec{0, 100000});
  Call wait(SysNo::futex, {0x1000, 128, 0, ts, 0, 0});
  wait.entry(t);
  CHECK(wait[3].data == bytes_of(Timespec{0, 100000}));
  Call bitset(SysNo::futex, {0x1000, 393, 0, ts, 0, 0xffffffff});
  bitset.entry(t);
  CHECK(bitset[3].state == ArgState::Captured);
  Call wake(SysNo::futex, {0x1000, 129, 1, ts, 0, 0});  // val2 in that register
  wake.entry(t);
  CHECK(wake[3].state == ArgState::Raw);
  Call bad(SysNo::futex, {0x1000, 0, 0, kBadAddr, 0, 0});
  bad.entry(t);
  CHECK(bad[3].state == ArgState::Unreadable);
}

TEST_CASE("EpollEventsOut: ret events at exit", "[decode]") {
  FakeTask t;
  uint64_t evs = t.put(std::string(12 * 8, '\x05'));
  Call two(SysNo::epoll_pwait, {3, evs, 8, static_cast<uint64_t>(-1), 0, 0});
  two.entry(t);
  CHECK(two[1].state == ArgState::Raw);
  two.exit(t, 2);
  CHECK(two[1].data.size() == 24);
  Call none(SysNo::epoll_wait, {3, evs, 8, 0});
  none.entry(t).exit(t, 0);
  CHECK(none[1].state == ArgState::Captured);
  CHECK(none[1].data.empty());
  Call lim(SysNo::epoll_wait, {3, evs, 8, 0}, {.vector_limit = 3});
  lim.entry(t).exit(t, 5);
  CHECK(lim[1].state == ArgState::Truncated);
  CHECK(lim[1].data.size() == 36);
  Call fail(SysNo::epoll_wait, {3, evs, 8, 0});
  fail.entry(t).exit(t, -4);
  CHECK(fail[1].state == ArgState::Raw);
}

TEST_CASE("PollFds: entry array, re-read at exit when ret > 0", "[decode]") {
  FakeTask t;
  struct Pollfd {
    int32_t fd;
    int16_t events, revents;
  };
  Pollfd fds[2] = {{4, 1, 0}, {5, 5, 0}};
  uint64_t p = t.put(std::string(reinterpret_cast<const char*>(fds), sizeof fds));
  Call c(SysNo::poll, {p, 2, 1000});
  c.entry(t);
  CHECK(c[0].data.size() == 16);
  fds[1].revents = 4;
  t.poke(p, std::string(reinterpret_cast<const char*>(fds), sizeof fds));
  c.exit(t, 1);
  CHECK(c[0].data.size() == 32);
  CHECK(load<int16_t>(c[0].data, 16 + 8 + 6) == 4);
  Call timeout(SysNo::poll, {p, 2, 0});
  timeout.entry(t).exit(t, 0);
  CHECK(timeout[0].data.size() == 16);
}

TEST_CASE("Clone3Args, Argv and Envp", "[decode]") {
  FakeTask t;
  Call c3(SysNo::clone3, {t.put(std::string(88, '\0')), 88});
  c3.entry(t);
  CHECK(c3[0].data.size() == 88);

  uint64_t argv = t.put_string_array({"/bin/true", "arg with space"});
  uint64_t envp = t.put_string_array({"A=1", "B=2", "C=3"});
  Call ex(SysNo::execve, {t.put_cstring("/bin/true"), argv, envp});
  ex.entry(t);
  CHECK(ex[1].state == ArgState::Captured);
  CHECK(ex[1].data == std::string("/bin/true\0arg with space\0", 25));
  CHECK(ex[2].data == std::string("A=1\0B=2\0C=3\0", 12));

  Call lim(SysNo::execve, {0, argv, envp}, {.vector_limit = 1});
  lim.entry(t);
  CHECK(lim[1].state == ArgState::Truncated);
  CHECK(lim[1].data == std::string("/bin/true\0", 10));
  CHECK(lim[2].data.size() == 12);  // every variable is kept for the count

  Call bad(SysNo::execve, {0, kBadAddr, 0});
  bad.entry(t);
  CHECK(bad[1].state == ArgState::Unreadable);
  CHECK(bad[2].state == ArgState::Raw);
}

TEST_CASE("WaitStatusOut, PipeFdsOut, FcntlArg", "[decode]") {
  FakeTask t;
  uint64_t st = t.put(u32(0));
  Call w(SysNo::wait4, {static_cast<uint64_t>(-1), st, 0, 0});
  w.entry(t);
  t.poke(st, u32(3 << 8));
  w.exit(t, 42);
  CHECK(w[1].data == u32(3 << 8));
  Call none(SysNo::wait4, {static_cast<uint64_t>(-1), st, 1, 0});
  none.entry(t).exit(t, 0);
  CHECK(none[1].state == ArgState::Raw);

  uint64_t fds = t.put(std::string(8, '\0'));
  t.set_fd(4, "pipe:[10197]");
  t.set_fd(5, "pipe:[10197]");
  Call p(SysNo::pipe2, {fds, 0}, {.fd_detail = 1});
  p.entry(t);
  t.poke(fds, u32(4) + u32(5));
  p.exit(t, 0);
  CHECK(p[0].data == u32(4) + u32(5) + std::string("pipe:[10197]\0pipe:[10197]\0", 26));

  struct Flock {
    int16_t type, whence;
    int32_t pad;
    int64_t start, len;
    int32_t pid, pad2;
  };
  uint64_t fl = t.put_struct(Flock{0, 0, 0, 0, 0, 0, 0});
  Call set(SysNo::fcntl, {3, 6, fl});
  set.entry(t).exit(t, 0);
  CHECK(set[2].data.size() == 32);
  Call get(SysNo::fcntl, {3, 5, fl});
  get.entry(t);
  t.poke_struct(fl, Flock{2, 0, 0, 0, 0, 0, 0});
  get.exit(t, 0);
  CHECK(get[2].data.size() == 64);
  CHECK(load<int16_t>(get[2].data, 32) == 2);
  Call setfl(SysNo::fcntl, {3, 4, 04000});
  setfl.entry(t).exit(t, 0);
  CHECK(setfl[2].state == ArgState::Raw);
}

TEST_CASE("undecoded and unknown syscalls read nothing", "[decode]") {
  FakeTask t;
  uint64_t p = t.put_cstring("x");
  Call shm(SysNo::shmget, {p, p, p});
  shm.entry(t).exit(t, 0);
  Call unk(SysNo::unknown, {p, p, p, p, p, p});
  decode::capture_entry(syscall_info(SysNo::unknown), unk.args, t, {});
  decode::capture_exit(syscall_info(SysNo::unknown), 0, unk.args, t, {});
  CHECK(t.reads == 0);
  for (const Arg& a : unk.args) CHECK(a.state == ArgState::Raw);
}

TEST_CASE("capture reuses Arg::data capacity across calls", "[decode]") {
  FakeTask t;
  uint64_t buf = t.put(std::string(64, 'y'));
  Call c(SysNo::write, {1, buf, 64});
  c.entry(t);
  const char* before = c[1].data.data();
  c[1].reset(buf);
  c.entry(t);
  CHECK(c[1].data.data() == before);
}
