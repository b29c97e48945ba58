// Decoding as strace's own test suite expects (issue 19). Each expected line is the text
// strace 6.1 prints for the same call (its tests/NAME.c print them; the values here are
// the ones those tests pass), checked through the real capture code on a FakeTask.
#include <catch2/catch.hpp>
#include <string>

#include "format_helpers.h"
#include "gotrace/event.h"

using namespace gotrace;
using namespace gotrace::test;

namespace {
constexpr uint64_t kHigh = 0xdefaced00000000ull;  // garbage above an int, as the tests pass
}

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

TEST_CASE("-a: the return value is aligned at a column, as strace does", "[format][strace]") {
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

TEST_CASE("-X raw and -X verbose print constants as strace does", "[format][strace]") {
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

TEST_CASE("-e write=: strace's hex dump of the data", "[format][strace]") {
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
  Args args;
  args[0].reset(1);
  args[1].reset(arr);
  args[2].reset(2);
  decode::capture_entry(syscall_info(SysNo::writev), args, tr.t, tr.cap);
  std::string d;
  format::format_io_dump(d, {SysNo::writev, 20, args, 7, true}, 1);
  CHECK(d ==
        " * 3 bytes in buffer 0\n"
        " | 00000  61 62 63                                          abc              |\n"
        " * 4 bytes in buffer 1\n"
        " | 00000  64 65 66 67                                       defg             |\n");
}
