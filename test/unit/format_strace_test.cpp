// Decoding as strace's own test suite expects (issue 19). Each expected line is the text
// strace 6.1 prints for the same call (its tests/NAME.c print them; the values here are
// the ones those tests pass), checked through the real capture code on a FakeTask.
#include <net/if.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "format_helpers.h"
#include "gotrace/event.h"

using namespace gotrace;
using namespace gotrace::test;

namespace {
constexpr uint64_t kHigh = 0xdefaced00000000ull;  // garbage above an int, as the tests pass

// writev(fd, arr, iovcnt) = ret captured at entry, then its -e write= dump.
std::string writev_dump(Tracer& tr, uint64_t fd, uint64_t arr, uint64_t iovcnt, int64_t ret) {
  Args args;
  args[0].reset(fd);
  args[1].reset(arr);
  args[2].reset(iovcnt);
  decode::capture_entry(syscall_info(SysNo::writev), args, tr.t, tr.cap);
  std::string d;
  format::format_io_dump(d, {SysNo::writev, 20, args, ret, true}, 1);
  return d;
}
}  // namespace

TEST_CASE("int arguments are the 32 bits the kernel reads", "[format][strace]") {
  Tracer tr;
  // tests/dup3.c, close_range.c, pipe2.c: flags and fds with garbage in the upper half
  CHECK(tr.call(SysNo::dup3, {kHigh, kHigh, kHigh}, -22) == "dup3(0, 0, 0) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::dup3, {kHigh | 0xffffffffu, kHigh | 0xfffffffeu, kHigh | 02000000}, -9) ==
        "dup3(-1, -2, O_CLOEXEC) = -1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::close_range, {kHigh | 0xfffffffeu, kHigh | 0xffffffffu, kHigh | 1}, -22) ==
        "close_range(4294967294, 4294967295, 0x1 /* CLOSE_RANGE_??? */) = -1 EINVAL (Invalid argument)");
  // tests/sockopt-sol_socket.c: optlen is an int
  const uint64_t val = tr.t.put(u32(0));
  CHECK(tr.call(SysNo::setsockopt, {3, 1, 1, val, 0xdefaced00000004ull}, 0) ==
        "setsockopt(3, SOL_SOCKET, SO_DEBUG, [0], 4) = 0");
  // ppoll's nfds is an unsigned int; listen's backlog an int
  CHECK(tr.call(SysNo::listen, {kHigh | 3, kHigh | 0xffffffffu}, -9) ==
        "listen(3, -1) = -1 EBADF (Bad file descriptor)");
  // 64-bit ones stay 64-bit: lseek's offset, read's count, readv's iovcnt (unsigned long)
  CHECK(tr.call(SysNo::lseek, {3, neg(-5000000000), 0}, -22) ==
        "lseek(3, -5000000000, SEEK_SET) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::readv, {3, 0, 0x100000000ull}, -22) ==
        "readv(3, NULL, 4294967296) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::read, {kHigh | 3, 0, 0x100000000ull}, -14) ==
        "read(3, NULL, 4294967296) = -1 EFAULT (Bad address)");
}

TEST_CASE("analyzers read arguments at the kernel's width", "[strace]") {
  // write(2, ...) with garbage above the fd is a write to stderr (what the kernel does).
  SyscallExit x;
  x.sysno = SysNo::write;
  x.args[0].reset(0x100000002ull);
  x.args[2].reset(0x100000000ull);
  CHECK(x.arg(0) == 2);
  CHECK(x.sarg(0) == 2);
  CHECK(x.arg(2) == 0x100000000ull);  // size_t: all 64 bits
  SyscallEnter e;
  e.sysno = SysNo::close;
  e.args[0].reset(0xffffffffull);
  CHECK(e.sarg(0) == -1);
  CHECK(e.arg(0) == 0xffffffffull);
  CHECK(arg_bits(ArgKind::Fd) == 32);
  CHECK(arg_bits(ArgKind::Ptr) == 64);
  CHECK(arg_bits(ArgKind::Ulong) == 64);
}

TEST_CASE("return values aligned at a column (-a), as strace does", "[format][strace]") {
  Tracer tr;
  tr.fmt.column = 40;
  // strace -a40 (its default): "= RET" starts at column 40 when the call is shorter
  CHECK(tr.call(SysNo::close, {3}, 0) == "close(3)                                = 0");
  CHECK(tr.call(SysNo::close, {3}, 0).find("= 0") == 40);
  // a longer call is followed by " = " as always
  const uint64_t p = tr.t.put(std::string("/a/rather/long/path/name/here\0", 30));
  CHECK(tr.call(SysNo::openat, {kAtFdcwd, p, 0}, 3) ==
        "openat(AT_FDCWD, \"/a/rather/long/path/name/here\", O_RDONLY) = 3");
  tr.fmt.column = 0;  // evidence lines: no padding
  CHECK(tr.call(SysNo::close, {3}, 0) == "close(3) = 0");
}

TEST_CASE("constants printed raw or verbose (-X), as strace does", "[format][strace]") {
  Tracer tr;
  const uint64_t p = tr.t.put(std::string("/nonexistent\0", 13));
  // strace -Xraw / -Xverbose output for the same calls (strace 6.1, x.c in the session notes)
  tr.fmt.xlat = format::XlatStyle::Raw;
  CHECK(tr.call(SysNo::openat, {kAtFdcwd, p, 0}, -2) ==
        "openat(-100, \"/nonexistent\", 0) = -1 ENOENT (No such file or directory)");
  CHECK(tr.call(SysNo::kill, {24504, 18}, 0) == "kill(24504, 18) = 0");
  CHECK(tr.call(SysNo::flock, {3, 5}, 0) == "flock(3, 0x5) = 0");
  CHECK(tr.call(SysNo::shutdown, {3, 0}, 0) == "shutdown(3, 0) = 0");
  tr.fmt.xlat = format::XlatStyle::Verbose;
  CHECK(tr.call(SysNo::openat, {kAtFdcwd, p, 0}, -2) ==
        "openat(-100 /* AT_FDCWD */, \"/nonexistent\", 0 /* O_RDONLY */) = -1 ENOENT (No such file or directory)");
  CHECK(tr.call(SysNo::kill, {24511, 18}, 0) == "kill(24511, 18 /* SIGCONT */) = 0");
  CHECK(tr.call(SysNo::flock, {3, 5}, 0) == "flock(3, 0x5 /* LOCK_SH|LOCK_NB */) = 0");
  CHECK(tr.call(SysNo::lseek, {0, 0, 1}, 0) == "lseek(0, 0, 0x1 /* SEEK_CUR */) = 0");
  CHECK(tr.call(SysNo::close_range, {3, 10, 8}, -22) ==
        "close_range(3, 10, 0x8 /* CLOSE_RANGE_??? */) = -1 EINVAL (Invalid argument)");
}

TEST_CASE("hex dumps of the data moved (-e write=), as strace prints them", "[format][strace]") {
  // strace -e write=1 of `cat` writing this file (strace 6.1)
  std::string out;
  format::format_hex_dump(out, std::string("hello world, this is a dump test!\x01\xff", 35));
  CHECK(out ==
        " | 00000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  hello world, thi |\n"
        " | 00010  73 20 69 73 20 61 20 64  75 6d 70 20 74 65 73 74  s is a dump test |\n"
        " | 00020  21 01 ff                                          !..              |\n");
  // writev: each buffer with its number
  Tracer tr;
  const uint64_t a = tr.t.put("abc"), b = tr.t.put("defg");
  Iov iov[2] = {{a, 3}, {b, 4}};
  const uint64_t arr = tr.t.put(std::string(reinterpret_cast<const char*>(iov), sizeof iov));
  CHECK(writev_dump(tr, 1, arr, 2, 7) ==
        " * 3 bytes in buffer 0\n"
        " | 00000  61 62 63                                          abc              |\n"
        " * 4 bytes in buffer 1\n"
        " | 00000  64 65 66 67                                       defg             |\n");
}

TEST_CASE("structures strace decodes that gotrace now decodes too", "[format][strace]") {
  Tracer tr;
  // tests/wait4.c and waitid.c: the child's CPU times, then "..." (strace without -v)
  struct Timeval {
    int64_t sec;
    uint64_t usec;
  };
  struct RusageTimes {
    Timeval utime, stime;
  };
  const uint64_t status = tr.t.put(u32(0)), ru = tr.t.put_struct(RusageTimes{});
  CHECK(tr.call(SysNo::wait4, {648, status, 0, ru}, 648, [&] {
          tr.t.poke(status, u32(42 << 8));
          tr.t.poke_struct(ru, RusageTimes{{0, 240}, {0, 0}});
        }) ==
        "wait4(648, [{WIFEXITED(s) && WEXITSTATUS(s) == 42}], 0, {ru_utime={tv_sec=0, tv_usec=240}, "
        "ru_stime={tv_sec=0, tv_usec=0}, ...}) = 648");
  CHECK(tr.call(SysNo::wait4, {648, status, 1, ru}, 0) == "wait4(648, " + hex(status) + ", WNOHANG, " + hex(ru) + ") = 0");
  // tests/fcntl.c: struct f_owner_ex both ways, F_NOTIFY's flags
  struct Owner {
    int32_t type, pid;
  };
  const uint64_t own = tr.t.put_struct(Owner{0, 1234567890});
  CHECK(tr.call(SysNo::fcntl, {0, 15, own}, -3) ==
        "fcntl(0, F_SETOWN_EX, {type=F_OWNER_TID, pid=1234567890}) = -1 ESRCH (No such process)");
  CHECK(tr.call(SysNo::fcntl, {0, 16, own}, 0, [&] { tr.t.poke_struct(own, Owner{2, 392}); }) ==
        "fcntl(0, F_GETOWN_EX, {type=F_OWNER_PGRP, pid=392}) = 0");
  CHECK(tr.call(SysNo::fcntl, {0, 1026, 1}, -20) == "fcntl(0, F_NOTIFY, DN_ACCESS) = -1 ENOTDIR (Not a directory)");
  // tests/so_linger.c: an optlen past the struct, and a getsockopt that got less than it
  const uint64_t lin = tr.t.put_struct(Owner{-15, -42});
  CHECK(tr.call(SysNo::setsockopt, {3, 1, 13, lin, 9}, 0) ==
        "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=-15, l_linger=-42}, 9) = 0");
  const uint64_t len = tr.t.put(u32(3));
  CHECK(tr.call(SysNo::getsockopt, {3, 1, 13, lin, len}, 0, [&] { tr.t.poke(lin, std::string("\x01\x00\x00", 3)); }) ==
        "getsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=\"\\x01\\x00\\x00\"}, [3]) = 0");
  // clock_gettime's result
  const uint64_t ts = tr.t.put_struct(Timespec{0, 0});
  CHECK(tr.call(SysNo::clock_gettime, {0, ts}, 0, [&] { tr.t.poke_struct(ts, Timespec{1796665678, 109797854}); }) ==
        "clock_gettime(CLOCK_REALTIME, {tv_sec=1796665678, tv_nsec=109797854}) = 0");
}

TEST_CASE("failed calls and ignored arguments show pointers, as strace does", "[format][strace]") {
  Tracer tr;
  // tests/nanosleep.c: the time left only when a signal interrupted the sleep (ERESTART*)
  const uint64_t req = tr.t.put_struct(Timespec{0, 1000000000}), rem = tr.t.put_struct(Timespec{789986, 789987});
  CHECK(tr.call(SysNo::nanosleep, {req, rem}, -22) ==
        "nanosleep({tv_sec=0, tv_nsec=1000000000}, " + hex(rem) + ") = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::nanosleep, {req, rem}, -516) ==
        "nanosleep({tv_sec=0, tv_nsec=1000000000}, {tv_sec=789986, tv_nsec=789987}) = ? ERESTART_RESTARTBLOCK "
        "(Interrupted by signal)");
  // tv_nsec is unsigned, as strace prints it
  const uint64_t odd = tr.t.put_struct(Timespec{-1, -1});
  CHECK(tr.call(SysNo::nanosleep, {odd, 0}, -22) ==
        "nanosleep({tv_sec=-1, tv_nsec=18446744073709551615}, NULL) = -1 EINVAL (Invalid argument)");
  // clock_nanosleep with TIMER_ABSTIME leaves nothing in rem
  CHECK(tr.call(SysNo::clock_nanosleep, {0, 1, req, rem}, -514) ==
        "clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {tv_sec=0, tv_nsec=1000000000}, " + hex(rem) +
            ") = ? ERESTARTNOHAND (To be restarted if no handler)");
  // tests/epoll_ctl.c: EPOLL_CTL_DEL ignores its event
  const uint64_t ev = tr.t.put(std::string(12, '\xff'));
  CHECK(tr.call(SysNo::epoll_ctl, {neg(-3), 2, neg(-4), ev}, -9) ==
        "epoll_ctl(-3, EPOLL_CTL_DEL, -4, " + hex(ev) + ") = -1 EBADF (Bad file descriptor)");
  // tests/rt_sigprocmask.c, epoll_pwait.c: a sigset of another size than the kernel's
  const uint64_t set = tr.t.put(bytes_of(~uint64_t{0}));
  CHECK(tr.call(SysNo::rt_sigprocmask, {2, set, 0, 16}, -22) ==
        "rt_sigprocmask(SIG_SETMASK, " + hex(set) + ", NULL, 16) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::epoll_pwait, {neg(-1), 0, 1, neg(-2), set, 256}, -22) ==
        "epoll_pwait(-1, NULL, 1, -2, " + hex(set) + ", 256) = -1 EINVAL (Invalid argument)");
}

TEST_CASE("fd targets with -yy: devices, as strace shows them", "[format][strace]") {
  Tracer tr;
  tr.yy(2);
  // tests/dup-yy.c: a device's kind and numbers after its path
  tr.t.set_fd(0, std::string("/dev/null\0char 1:3", 18));
  CHECK(tr.call(SysNo::dup, {0}, 3, {}, std::string_view("/dev/null\0char 1:3", 18)) ==
        "dup(0</dev/null<char 1:3>>) = 3</dev/null<char 1:3>>");
}

TEST_CASE("arrays that run into unmapped memory, as strace prints them", "[format][strace]") {
  Tracer tr;
  // tests/poll.c: two pollfds asked for, only the first readable
  struct Pollfd {
    int32_t fd;
    int16_t events, revents;
  };
  const uint64_t one = tr.t.put_struct(Pollfd{-5, 0, 0});
  CHECK(tr.call(SysNo::poll, {one, 2, 0}, -14) ==
        "poll([{fd=-5}, ... /* " + hex(one + 8) + " */], 2, 0) = -1 EFAULT (Bad address)");
  // nothing readable: the pointer
  CHECK(tr.call(SysNo::poll, {0x1000, 1, 0}, -14) == "poll(0x1000, 1, 0) = -1 EFAULT (Bad address)");
  // tests/readv.c: writev with the second iovec past the end of the mapping
  const uint64_t buf = tr.t.put("89abcde");
  const uint64_t arr = tr.t.put_struct(Iov{buf, 7});
  CHECK(tr.call(SysNo::writev, {19999, arr, 2}, -14) ==
        "writev(19999, [{iov_base=\"89abcde\", iov_len=7}, ... /* " + hex(arr + 16) +
            " */], 2) = -1 EFAULT (Bad address)");
  // and its dump (-e write=): strace reads the array whole, fails, and dumps nothing
  CHECK(writev_dump(tr, 19999, arr, 2, -14).empty());
}

TEST_CASE("socket addresses: an IPv6 scope by interface name, netlink's pad", "[format][strace]") {
  Tracer tr;
  // tests/net-sockaddr.c: fe80:: on the loopback interface; nl_pad shown when set
  std::string sa6(28, '\0');
  sa6[0] = 10;  // AF_INET6
  sa6[2] = 0x30;
  sa6[3] = 0x39;  // port 12345
  sa6[8] = static_cast<char>(0xfe);
  sa6[9] = static_cast<char>(0x80);
  const uint32_t lo = if_nametoindex("lo");
  REQUIRE(lo != 0);
  std::memcpy(&sa6[24], &lo, 4);
  const uint64_t p6 = tr.t.put(sa6);
  CHECK(tr.call(SysNo::connect, {neg(-1), p6, 28}, -9) ==
        "connect(-1, {sa_family=AF_INET6, sin6_port=htons(12345), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "
        "\"fe80::\", &sin6_addr), sin6_scope_id=if_nametoindex(\"lo\")}, 28) = -1 EBADF (Bad file descriptor)");
  std::string nl(12, '\0');
  nl[0] = 16;  // AF_NETLINK
  nl[2] = nl[3] = static_cast<char>(0xff);
  const uint32_t pid = 1234567890, groups = 0xfacefeed;
  std::memcpy(&nl[4], &pid, 4);
  std::memcpy(&nl[8], &groups, 4);
  CHECK(tr.call(SysNo::connect, {neg(-1), tr.t.put(nl), 12}, -9) ==
        "connect(-1, {sa_family=AF_NETLINK, nl_pad=0xffff, nl_pid=1234567890, nl_groups=0xfacefeed}, 12) = -1 EBADF "
        "(Bad file descriptor)");
}

TEST_CASE("clone3 as strace prints it: set_tid, bytes past the struct, what the kernel wrote", "[format][strace]") {
  // tests/clone3.c
  Tracer tr;
  struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
  };
  auto with_tail = [&](const CloneArgs& ca, std::string_view tail) {
    std::string b(reinterpret_cast<const char*>(&ca), sizeof ca);
    b += tail;
    return tr.t.put(b);
  };
  const CloneArgs zero{};
  // size 96: 8 bytes past the struct, unreadable ("???"), set ("/* bytes 88..95 */"), or zero
  CHECK(tr.call(SysNo::clone3, {with_tail(zero, ""), 96}, -14) ==
        "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0, ???}, 96) = -1 EFAULT (Bad address)");
  CloneArgs big{};
  big.exit_signal = 0xdeadface00000011;  // above INT_MAX: a number, not a signal
  CHECK(tr.call(SysNo::clone3, {with_tail(big, "\xde\xc0\xad\xde\xed\xfe\xce\xfa"), 96}, -7) ==
        "clone3({flags=0, exit_signal=16045756810061152273, stack=NULL, stack_size=0, /* bytes 88..95 */ "
        "\"\\xde\\xc0\\xad\\xde\\xed\\xfe\\xce\\xfa\"}, 96) = -1 E2BIG (Argument list too long)");
  CHECK(tr.call(SysNo::clone3, {with_tail(zero, std::string(8, '\0')), 96}, 12133) ==
        "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0}, 96) = 12133");
  // set_tid: the array when its size is 1..32, else the pointer
  int32_t tids[3] = {-2088599168, 7, 0};
  CloneArgs st{};
  st.set_tid = tr.t.put_struct(tids);
  st.set_tid_size = 3;
  CHECK(tr.call(SysNo::clone3, {tr.t.put_struct(st), 88}, -22) ==
        "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0, set_tid=[-2088599168, 7, 0], set_tid_size=3}, "
        "88) = -1 EINVAL (Invalid argument)");
  st.set_tid_size = 33;
  CHECK(tr.call(SysNo::clone3, {tr.t.put_struct(st), 88}, -22) ==
        fmt::format("clone3({{flags=0, exit_signal=0, stack=NULL, stack_size=0, set_tid={:#x}, set_tid_size=33}}, "
                    "88) = -1 EINVAL (Invalid argument)",
                    st.set_tid));
  // CLONE_PARENT_SETTID with a NULL parent_tid: the exit part names the pointer
  CloneArgs ps{};
  ps.flags = 0x100000;
  CHECK(tr.call(SysNo::clone3, {tr.t.put_struct(ps), 88}, 12137) ==
        "clone3({flags=CLONE_PARENT_SETTID, parent_tid=NULL, exit_signal=0, stack=NULL, stack_size=0} => "
        "{parent_tid=NULL}, 88) = 12137");
  // CLONE_PIDFD: the fd written
  CloneArgs pf{};
  pf.flags = 0x1000;
  pf.pidfd = tr.t.put_struct(int32_t{5});
  pf.exit_signal = 17;
  CHECK(tr.call(SysNo::clone3, {tr.t.put_struct(pf), 88}, 12140) ==
        fmt::format("clone3({{flags=CLONE_PIDFD, pidfd={:#x}, exit_signal=SIGCHLD, stack=NULL, stack_size=0}} => "
                    "{{pidfd=[5]}}, 88) = 12140",
                    pf.pidfd));
}

TEST_CASE("execve's argv and envp with unreadable entries, as strace prints them", "[format][strace]") {
  // tests/execve.c: pointers that lead nowhere, then the array runs into unmapped memory
  Tracer tr;
  std::vector<uint64_t> argv = {tr.t.put_cstring("test.execve\nfilename"), tr.t.put_cstring("first"),
                                tr.t.put_cstring("second"), 0xffffffffffffffffull, 0xfffffffffffffffeull,
                                0xfffffffffffffffdull};  // no NULL: the region ends here
  const uint64_t argv_at = tr.t.put(std::string_view(reinterpret_cast<const char*>(argv.data()), argv.size() * 8));
  std::vector<uint64_t> envp = {tr.t.put_cstring("A=1"), tr.t.put_cstring("B=2"), tr.t.put_cstring("C=3"),
                                tr.t.put_cstring("D=4"), tr.t.put_cstring("E=5")};
  const uint64_t envp_at = tr.t.put(std::string_view(reinterpret_cast<const char*>(envp.data()), envp.size() * 8));
  const uint64_t path = tr.t.put_cstring("test.execve\nfilename");
  CHECK(tr.call(SysNo::execve, {path, argv_at, envp_at}, -13) ==
        fmt::format("execve(\"test.execve\\nfilename\", [\"test.execve\\nfilename\", \"first\", \"second\", "
                    "0xffffffffffffffff, 0xfffffffffffffffe, 0xfffffffffffffffd, ... /* {:#x} */], {:#x} /* 5 vars, "
                    "unterminated */) = -1 EACCES (Permission denied)",
                    argv_at + 48, envp_at));
  // -v: the environment in full, cut the same way
  tr.fmt.verbose = true;
  CHECK_THAT(tr.call(SysNo::execve, {path, argv_at, envp_at}, -13),
             Catch::EndsWith(fmt::format("[\"A=1\", \"B=2\", \"C=3\", \"D=4\", \"E=5\", ... /* {:#x} */]) = -1 EACCES "
                                         "(Permission denied)",
                                         envp_at + 40)));
}

TEST_CASE("SO_TXREHASH's values named, as strace", "[format][strace]") {
  // tests/sockopt-sol_socket.c
  Tracer tr;
  auto set = [&](int32_t v, uint64_t len) {
    std::string b(reinterpret_cast<const char*>(&v), 4);
    b += '\0';
    return tr.call(SysNo::setsockopt, {3, 1, 74, tr.t.put(b), len}, -95);
  };
  const std::string eop = " = -1 EOPNOTSUPP (Operation not supported)";
  CHECK(set(0, 4) == "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_DISABLED], 4)" + eop);
  CHECK(set(1, 5) == "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_ENABLED], 5)" + eop);
  CHECK(set(255, 4) == "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_DEFAULT], 4)" + eop);
  CHECK(set(2, 4) == "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [2 /* SOCK_TXREHASH_??? */], 4)" + eop);
  CHECK(set(-1, 5) == "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [-1 /* SOCK_TXREHASH_??? */], 5)" + eop);
  const uint64_t three = tr.t.put(std::string(3, '\0'));
  CHECK(tr.call(SysNo::setsockopt, {3, 1, 74, three, 3}, -22) ==
        fmt::format("setsockopt(3, SOL_SOCKET, SO_TXREHASH, {:#x}, 3) = -1 EINVAL (Invalid argument)", three));
}

TEST_CASE("AF_IPX, AF_AX25, AF_X25 and AF_PACKET addresses, as strace", "[format][strace]") {
  // tests/net-sockaddr.c
  Tracer tr;
  auto connect = [&](std::string_view sa) {
    return tr.call(SysNo::connect, {0xffffffffull, tr.t.put(sa), sa.size()}, -9);
  };
  const std::string ebadf = " = -1 EBADF (Bad file descriptor)";
  const std::string ipx("\x04\x00\x30\x39\xfa\xce\xfe\xed" "ABCDEF\xff\x00", 16);
  CHECK(connect(ipx) == "connect(-1, {sa_family=AF_IPX, sipx_port=htons(12345), sipx_network=htonl(0xfacefeed), "
                        "sipx_node=[0x41, 0x42, 0x43, 0x44, 0x45, 0x46], sipx_type=0xff}, 16)" + ebadf);
  // AX.25: "VALID -13" shifted left one bit; 8 digipeaters announced, none passed
  auto call = [](std::string_view name, int ssid) {
    std::string a;
    for (char ch : name) a += static_cast<char>(ch << 1);
    a += static_cast<char>((ssid << 1) & 0x1e);
    return a;
  };
  std::string ax25("\x03\x00", 2);
  ax25 += call("VALID ", 13);
  ax25 += std::string("\x00\x00\x00\x08\x00\x00\x00", 7);  // pad, sax25_ndigis = 8 (at 12)
  CHECK(connect(ax25) == "connect(-1, {sa_family=AF_AX25, fsa_ax25={sax25_call=VALID-13, sax25_ndigis=8}, "
                         "fsa_digipeater=[...]}, 16)" + ebadf);
  std::string with_digis = ax25 + call("SPA CE", 0) + call("      ", 0) + "\x01";
  CHECK(connect(with_digis) ==
        "connect(-1, {sa_family=AF_AX25, fsa_ax25={sax25_call=VALID-13, sax25_ndigis=8}, fsa_digipeater=[{ax25_call="
        "\"\\xa6\\xa0\\x82\\x40\\x86\\x8a\\x00\"} /* SPA CE-0 */, *, ...], ...}, 31)" + ebadf);
  std::string none = ax25;
  none[12] = 0;
  CHECK(connect(none) == "connect(-1, {sa_family=AF_AX25, sax25_call=VALID-13, sax25_ndigis=0}, 16)" + ebadf);
  CHECK(connect(ax25.substr(0, 15)) ==  // shorter than struct sockaddr_ax25: its bytes
        "connect(-1, {sa_family=AF_AX25, sa_data=\"\\254\\202\\230\\222\\210@\\32\\0\\0\\0\\10\\0\\0\"}, 15)" + ebadf);
  // X.25: a C string of at most 15 characters
  CHECK(connect(std::string("\x09\x00" "0123456789abcdef", 18)) ==
        "connect(-1, {sa_family=AF_X25, sx25_addr={x25_addr=\"0123456789abcde\"...}}, 18)" + ebadf);
  CHECK(connect(std::string("\x09\x00" "0123456789\0bcdef", 18)) ==
        "connect(-1, {sa_family=AF_X25, sx25_addr={x25_addr=\"0123456789\"}}, 18)" + ebadf);
  // AF_PACKET: ETH_P_ALL, an ifindex no interface has, ARPHRD_ETHER, PACKET_HOST
  std::string ll("\x11\x00\x00\x03\xed\xfe\xce\xfa\x01\x00\x00\x08" "abcdefgh", 20);
  CHECK(connect(ll) == "connect(-1, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=4207869677, "
                       "sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=8, sll_addr=[0x61, 0x62, 0x63, "
                       "0x64, 0x65, 0x66, 0x67, 0x68]}, 20)" + ebadf);
  ll[11] = 9;
  CHECK_THAT(connect(ll), Catch::Contains("sll_halen=9, sll_addr=[0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, ...]}"));
  ll[11] = 0;
  ll.replace(4, 4, std::string("\x01\x00\x00\x00", 4));  // ifindex 1: the loopback
  CHECK(connect(ll) == "connect(-1, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), "
                       "sll_ifindex=if_nametoindex(\"lo\"), sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, "
                       "sll_halen=0}, 20)" + ebadf);
}
