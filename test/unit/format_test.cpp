// Formatter (gotrace_format): exact strace text for strings, files and descriptors, memory,
// processes, return values, signals and exits. Most cases go through the real capture code
// on a FakeTask (entry capture, the kernel's writes, exit capture), then format_call_head +
// format_call_tail. Lines marked "as strace 6.1 prints" were taken from `strace -f -s 32
// -y[y]` runs of small C programs doing the same calls; only the addresses (and, without
// -y, fd targets) were replaced by the test's own.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "format_helpers.h"

using namespace gotrace;
using namespace gotrace::test;

TEST_CASE("string quoting and -s truncation", "[format]") {
  Tracer tr;
  auto w = [&](std::string_view data) {
    return tr.call(SysNo::write, {5, tr.t.put(data), data.size()}, static_cast<int64_t>(data.size()));
  };
  // as strace 6.1 prints (default octal escapes; hex only with -x)
  CHECK(w(std::string_view("hello\tworld\n\"q\"\\ \x01\x7f\xff end\0ab", 27)) ==
        R"(write(5, "hello\tworld\n\"q\"\\ \1\177\377 end\0ab", 27) = 27)");
  CHECK(w(std::string_view("ab\0cd", 5)) == R"(write(5, "ab\0cd", 5) = 5)");
  CHECK(w(std::string_view("\x16\x03\x01\x02\x00\x01", 6)) == R"(write(5, "\26\3\1\2\0\1", 6) = 6)");
  CHECK(w(std::string_view("\x16\x03\x01\x02\x00\x01\x41", 7)) ==
        R"(write(5, "\26\3\1\2\0\1A", 7) = 7)");
  CHECK(w("\033[1m\r\v\f\a\b") == R"(write(5, "\33[1m\r\v\f\7\10", 9) = 9)");
  CHECK(w("1\0012\0023") == R"(write(5, "1\0012\0023", 5) = 5)");
  CHECK(w("\x01" "1") == R"(write(5, "\0011", 2) = 2)");
  CHECK(w("0123456789012345678901234567890123456789") ==
        R"(write(5, "01234567890123456789012345678901"..., 40) = 40)");
  CHECK(w("0123456789012345678901234567890") ==
        R"(write(5, "0123456789012345678901234567890", 31) = 31)");
  CHECK(w("01234567890123456789012345678901") ==
        R"(write(5, "01234567890123456789012345678901", 32) = 32)");
  CHECK(w("012345678901234567890123456789012") ==
        R"(write(5, "01234567890123456789012345678901"..., 33) = 33)");
  std::string bin;
  for (int i = 0; i < 64; ++i) bin += static_cast<char>(i * 7 + 0x80);
  CHECK(w(bin) ==
        R"(write(5, "\200\207\216\225\234\243\252\261\270\277\306\315\324\333\342\351\360\367\376\5\f\23\32!(/6=DKRY"..., 64) = 64)");

  SECTION("an octal digit after the cut does not widen the escape") {
    std::string s(31, 'a');
    s += "\x01" "5";
    CHECK(w(s) == "write(5, \"" + std::string(31, 'a') + "\\1\"..., 33) = 33");
  }
  SECTION("-s 8, and a capture limit smaller than -s") {
    tr.fmt.string_limit = 8;
    CHECK(w("0123456789") == R"(write(5, "01234567"..., 10) = 10)");
    tr.fmt.string_limit = 32;
    tr.cap.buffer_limit = 4;
    CHECK(w("0123456789") == R"(write(5, "0123"..., 10) = 10)");
  }
}

TEST_CASE("read/write family and -y fd targets", "[format]") {
  Tracer tr;
  tr.yy(1);
  tr.t.set_fd(3, "/etc/passwd");
  uint64_t buf = tr.t.put(std::string(4096, '\0'));
  const std::string passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon";
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::read, {3, buf, 4096}, 1221, [&] { tr.t.poke(buf, passwd); }) ==
        R"(read(3</etc/passwd>, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1221)");
  CHECK(tr.entry_head == "read(3</etc/passwd>, ");
  CHECK(tr.call(SysNo::read, {3, buf, 0}, 0) == R"(read(3</etc/passwd>, "", 0) = 0)");
  CHECK(tr.call(SysNo::read, {3, buf, 10}, 10) == R"(read(3</etc/passwd>, "root:x:0:0", 10) = 10)");
  CHECK(tr.call(SysNo::pread64, {3, buf + 5, 20, 5}, 20) ==
        R"(pread64(3</etc/passwd>, "x:0:0:root:/root:/bi", 20, 5) = 20)");
  CHECK(tr.call(SysNo::read, {99, buf, 10}, -9) ==
        "read(99, " + hex(buf) + ", 10) = -1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::read, {3, kBadAddr, 10}, -14) ==
        "read(3</etc/passwd>, 0x1, 10) = -1 EFAULT (Bad address)");
  CHECK(tr.call(SysNo::close, {3}, 0) == "close(3</etc/passwd>) = 0");
  CHECK(tr.call(SysNo::lseek, {3, 10, 1}, 60) == "lseek(3</etc/passwd>, 10, SEEK_CUR) = 60");
  CHECK(tr.call(SysNo::lseek, {3, neg(-1), 2}, 1220) == "lseek(3</etc/passwd>, -1, SEEK_END) = 1220");
  CHECK(tr.call(SysNo::lseek, {0, 0, 99}, -22) ==
        "lseek(0, 0, 0x63 /* SEEK_??? */) = -1 EINVAL (Invalid argument)");

  SECTION("paths in fd targets are escaped, socket descriptions are not") {
    tr.t.set_fd(3, "/tmp/st/a<b>\n\"q\" \\x");
    CHECK(tr.call(SysNo::close, {3}, 0) == R"(close(3</tmp/st/a\74b\76\n\"q\" \\x>) = 0)");
    tr.yy(2);
    tr.t.set_fd(4, "TCP:[127.0.0.1:37036->127.0.0.1:39577]");
    CHECK(tr.call(SysNo::shutdown, {4, 1}, 0) ==
          "shutdown(4<TCP:[127.0.0.1:37036->127.0.0.1:39577]>, SHUT_WR) = 0");
  }
  SECTION("returned fds") {
    CHECK(tr.call(SysNo::dup, {3}, 4, {}, "/etc/passwd") == "dup(3</etc/passwd>) = 4</etc/passwd>");
    tr.t.set_fd(10, "/dev/null");
    CHECK(tr.call(SysNo::dup2, {3, 10}, 10, {}, "/etc/passwd") ==
          "dup2(3</etc/passwd>, 10</dev/null>) = 10</etc/passwd>");
    CHECK(tr.call(SysNo::dup3, {3, 11, 02000000}, 11, {}, "/etc/passwd") ==
          "dup3(3</etc/passwd>, 11, O_CLOEXEC) = 11</etc/passwd>");
    tr.yy(0);
    CHECK(tr.call(SysNo::dup, {3}, 4, {}, "/etc/passwd") == "dup(3) = 4");
  }
}

TEST_CASE("readv/writev iovecs", "[format]") {
  Tracer tr;
  Iov w[3] = {{tr.t.put("abc"), 3}, {tr.t.put("defgh"), 5}, {tr.t.put("x"), 0}};
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::writev, {5, tr.t.put(bytes_of(w)), 3}, 8) ==
        R"(writev(5, [{iov_base="abc", iov_len=3}, {iov_base="defgh", iov_len=5}, {iov_base="", iov_len=0}], 3) = 8)");
  uint64_t b1 = tr.t.put("....");
  uint64_t b2 = tr.t.put("..........");
  Iov r[2] = {{b1, 4}, {b2, 10}};
  uint64_t arr = tr.t.put(bytes_of(r));
  CHECK(tr.call(SysNo::readv, {4, arr, 2}, 8, [&] {
          tr.t.poke(b1, "abcd");
          tr.t.poke(b2, "efgh");
        }) == R"(readv(4, [{iov_base="abcd", iov_len=4}, {iov_base="efgh", iov_len=10}], 2) = 8)");
  CHECK(tr.entry_head == "readv(4, ");
  CHECK(tr.call(SysNo::readv, {4, arr, 2}, -11) ==
        "readv(4, [{iov_base=" + hex(b1) + ", iov_len=4}, {iov_base=" + hex(b2) +
            ", iov_len=10}], 2) = -1 EAGAIN (Resource temporarily unavailable)");
  CHECK(tr.call(SysNo::readv, {4, 8, 2}, -14) == "readv(4, 0x8, 2) = -1 EFAULT (Bad address)");
  SECTION("-s also limits the number of elements") {
    tr.fmt.string_limit = 2;
    CHECK(tr.call(SysNo::writev, {5, tr.t.put(bytes_of(w)), 3}, 8) ==
          R"(writev(5, [{iov_base="ab"..., iov_len=3}, {iov_base="de"..., iov_len=5}, ...], 3) = 8)");
  }
}

TEST_CASE("open family", "[format]") {
  Tracer tr;
  auto open_at = [&](uint64_t dirfd, const char* path, uint64_t flags, uint64_t mode, int64_t ret) {
    return tr.call(SysNo::openat, {dirfd, tr.t.put_cstring(path), flags, mode}, ret);
  };
  // as strace 6.1 prints (strace -y also shows AT_FDCWD's directory; see the report)
  CHECK(open_at(kAtFdcwd, "/etc/passwd", 02000000, 0, 3) ==
        R"(openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3)");
  CHECK(open_at(kAtFdcwd, "/nonexistent", 01 | 0100 | 01000, 0644, 4) ==
        R"(openat(AT_FDCWD, "/nonexistent", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4)");
  CHECK(open_at(kAtFdcwd, "/tmp/st/x", 02 | 0100 | 0200 | 02000, 0600, 6) ==
        R"(openat(AT_FDCWD, "/tmp/st/x", O_RDWR|O_CREAT|O_EXCL|O_APPEND, 0600) = 6)");
  CHECK(open_at(kAtFdcwd, "/tmp/st", 0200000, 0, 7) ==
        R"(openat(AT_FDCWD, "/tmp/st", O_RDONLY|O_DIRECTORY) = 7)");
  CHECK(open_at(kAtFdcwd, "/tmp/st/x", 01 | 0100 | 01000 | 0400000 | 04010000, 0755, 8) ==
        R"(openat(AT_FDCWD, "/tmp/st/x", O_WRONLY|O_CREAT|O_TRUNC|O_SYNC|O_NOFOLLOW, 0755) = 8)");
  CHECK(open_at(kAtFdcwd, "/tmp/st/x", 010000000, 0, 9) ==
        R"(openat(AT_FDCWD, "/tmp/st/x", O_RDONLY|O_PATH) = 9)");
  CHECK(open_at(kAtFdcwd, "/tmp/st/y", 02 | 020200000, 0600, -2) ==
        R"(openat(AT_FDCWD, "/tmp/st/y", O_RDWR|O_TMPFILE, 0600) = -1 ENOENT (No such file or directory))");
  CHECK(open_at(kAtFdcwd, "/tmp/st/a", 02 | 0100, 0, 3) ==
        R"(openat(AT_FDCWD, "/tmp/st/a", O_RDWR|O_CREAT, 000) = 3)");
  CHECK(open_at(kAtFdcwd, "/x", 0x40000000, 0, -2) ==
        R"(openat(AT_FDCWD, "/x", O_RDONLY|0x40000000) = -1 ENOENT (No such file or directory))");
  tr.yy(1);
  tr.t.set_fd(3, "/etc/passwd");
  CHECK(open_at(3, "rel\n", 0, 0, -20) ==
        R"(openat(3</etc/passwd>, "rel\n", O_RDONLY) = -1 ENOTDIR (Not a directory))");
  CHECK(tr.call(SysNo::openat, {kAtFdcwd, tr.t.put_cstring("/etc/passwd"), 02000000, 0}, 3, {},
                "/etc/passwd") == R"(openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>)");
  tr.yy(0);
  CHECK(tr.call(SysNo::open, {0, 0}, -14) == "open(NULL, O_RDONLY) = -1 EFAULT (Bad address)");
  CHECK(tr.call(SysNo::open, {kBadAddr, 0}, -14) == "open(0x1, O_RDONLY) = -1 EFAULT (Bad address)");

  SECTION("openat2") {
    uint64_t how1 = tr.t.put(bytes_of(uint64_t{02000000}) + bytes_of(uint64_t{0}) + bytes_of(uint64_t{0x0c}));
    CHECK(tr.call(SysNo::openat2, {kAtFdcwd, tr.t.put_cstring("/etc/hostname"), how1, 24}, -18) ==
          R"(openat2(AT_FDCWD, "/etc/hostname", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH}, 24) = -1 EXDEV (Invalid cross-device link))");
    uint64_t how2 = tr.t.put(bytes_of(uint64_t{01 | 0100}) + bytes_of(uint64_t{0644}) + bytes_of(uint64_t{0}));
    CHECK(tr.call(SysNo::openat2, {kAtFdcwd, tr.t.put_cstring("/tmp/st/z"), how2, 24}, 12) ==
          R"(openat2(AT_FDCWD, "/tmp/st/z", {flags=O_WRONLY|O_CREAT, mode=0644, resolve=0}, 24) = 12)");
    CHECK(tr.call(SysNo::openat2, {kAtFdcwd, tr.t.put_cstring("/tmp/st/z"), kBadAddr, 24}, -14) ==
          R"(openat2(AT_FDCWD, "/tmp/st/z", 0x1, 24) = -1 EFAULT (Bad address))");
  }
  SECTION("a path longer than the capture limit") {
    tr.cap.path_limit = 4;
    CHECK(tr.call(SysNo::chdir, {tr.t.put_cstring("/tmp/st")}, 0) == R"(chdir("/tmp"...) = 0)");
  }
}

TEST_CASE("stat, access, *at flags, directories, modes", "[format]") {
  Tracer tr;
  auto path = [&](const char* p) { return tr.t.put_cstring(p); };
  uint64_t st = tr.t.put(std::string(144, '\0'));
  // as strace 6.1 prints, except that the stat struct is shown as its address
  CHECK(tr.call(SysNo::newfstatat, {kAtFdcwd, path("/etc"), st, 0x100}, 0) ==
        R"(newfstatat(AT_FDCWD, "/etc", )" + hex(st) + ", AT_SYMLINK_NOFOLLOW) = 0");
  CHECK(tr.call(SysNo::newfstatat, {3, path(""), st, 0x1000}, 0) ==
        R"(newfstatat(3, "", )" + hex(st) + ", AT_EMPTY_PATH) = 0");
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::access, {path("/etc/passwd"), 4 | 2}, 0) == R"(access("/etc/passwd", R_OK|W_OK) = 0)");
  CHECK(tr.call(SysNo::access, {path("/etc/passwd"), 0}, 0) == R"(access("/etc/passwd", F_OK) = 0)");
  CHECK(tr.call(SysNo::access, {path("/etc/ld.so.preload"), 4}, -2) ==
        R"(access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory))");
  CHECK(tr.call(SysNo::faccessat2, {kAtFdcwd, path("/etc"), 4, 0x200}, 0) ==
        R"(faccessat2(AT_FDCWD, "/etc", R_OK, AT_EACCESS) = 0)");
  // statx: the flags as strace 6.1 prints them; the mask (a Hex kind) and the struct differ.
  CHECK(tr.call(SysNo::statx, {kAtFdcwd, path("/etc"), 0x4000 | 0x100, 0xfff, st}, 0) ==
        R"(statx(AT_FDCWD, "/etc", AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW, 0xfff, )" + hex(st) + ") = 0");
  CHECK(tr.call(SysNo::statx, {kAtFdcwd, path("/etc"), 0, 0x7ff, st}, 0) ==
        R"(statx(AT_FDCWD, "/etc", AT_STATX_SYNC_AS_STAT, 0x7ff, )" + hex(st) + ") = 0");
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::mkdir, {path("/tmp/st/dd"), 0755}, 0) == R"(mkdir("/tmp/st/dd", 0755) = 0)");
  CHECK(tr.call(SysNo::unlinkat, {kAtFdcwd, path("/tmp/st/nonexist"), 0x200}, -2) ==
        R"(unlinkat(AT_FDCWD, "/tmp/st/nonexist", AT_REMOVEDIR) = -1 ENOENT (No such file or directory))");
  CHECK(tr.call(SysNo::chmod, {path("/tmp/st/x"), 04755}, 0) == R"(chmod("/tmp/st/x", 04755) = 0)");
  CHECK(tr.call(SysNo::umask, {022}, 022) == "umask(022) = 022");
  CHECK(tr.call(SysNo::mknod, {path("/tmp/st/f"), 0100644, 0}, 0) == R"(mknod("/tmp/st/f", S_IFREG|0644) = 0)");
  CHECK(tr.call(SysNo::mknod, {path("/dev/x"), 020600, 0x103}, 0) ==
        R"(mknod("/dev/x", S_IFCHR|0600, makedev(0x1, 0x3)) = 0)");
  CHECK(tr.call(SysNo::mknod, {path("/dev/x"), 020600, 0x45612378}, 0) ==
        R"(mknod("/dev/x", S_IFCHR|0600, makedev(0x123, 0x45678)) = 0)");

  uint64_t cwd = tr.t.put(std::string(256, '\0'));
  CHECK(tr.call(SysNo::getcwd, {cwd, 256}, 8, [&] { tr.t.poke(cwd, std::string("/tmp/st\0", 8)); }) ==
        R"(getcwd("/tmp/st", 256) = 8)");
  uint64_t link = tr.t.put(std::string(256, '\0'));
  CHECK(tr.call(SysNo::readlink, {path("/proc/self/exe"), link, 256}, 10,
                [&] { tr.t.poke(link, "/tmp/st/fs"); }) == R"(readlink("/proc/self/exe", "/tmp/st/fs", 256) = 10)");
  CHECK(tr.call(SysNo::readlink, {path("/proc/self/exe"), link, 5}, 5) ==
        R"(readlink("/proc/self/exe", "/tmp/", 5) = 5)");
}

TEST_CASE("fcntl, pipes, eventfd-style flags", "[format]") {
  Tracer tr;
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::fcntl, {3, 3}, 0x8000) == "fcntl(3, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE)");
  // flock's operation as strace 6.1 prints it (cmd/go locks its module cache with it).
  CHECK(tr.call(SysNo::flock, {3, 2}, 0) == "flock(3, LOCK_EX) = 0");
  CHECK(tr.call(SysNo::flock, {11, 8}, 0) == "flock(11, LOCK_UN) = 0");
  CHECK(tr.call(SysNo::flock, {3, 1 | 4}, -11) == "flock(3, LOCK_SH|LOCK_NB) = -1 EAGAIN (Resource temporarily unavailable)");
  CHECK(tr.call(SysNo::flock, {static_cast<uint64_t>(-1), 0}, -9) == "flock(-1, 0) = -1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::flock, {3, 0xdefaced00000100}, -22) == "flock(3, 0x100 /* LOCK_??? */) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::fcntl, {3, 4, 04000}, 0) == "fcntl(3, F_SETFL, O_RDONLY|O_NONBLOCK) = 0");
  CHECK(tr.call(SysNo::fcntl, {3, 1}, 1) == "fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)");
  CHECK(tr.call(SysNo::fcntl, {3, 1}, 0) == "fcntl(3, F_GETFD) = 0");
  CHECK(tr.call(SysNo::fcntl, {3, 2, 1}, 0) == "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
  CHECK(tr.call(SysNo::fcntl, {3, 1030, 0}, 5) == "fcntl(3, F_DUPFD_CLOEXEC, 0) = 5");
  CHECK(tr.call(SysNo::fcntl, {3, 0, 20}, 20) == "fcntl(3, F_DUPFD, 20) = 20");
  CHECK(tr.call(SysNo::fcntl, {3, 1032}, -9) == "fcntl(3, F_GETPIPE_SZ) = -1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::fcntl, {3, 1031, 4096}, -9) ==
        "fcntl(3, F_SETPIPE_SZ, 4096) = -1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::fcntl, {0, 999, 5}, -22) ==
        "fcntl(0, 0x3e7 /* F_??? */, 0x5) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::fcntl, {0, 4, 0xffffffff}, -22) ==
        "fcntl(0, F_SETFL, O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|"
        "O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c) = "
        "-1 EINVAL (Invalid argument)");
  struct Flock {
    int16_t type, whence;
    int32_t pad;
    int64_t start, len;
    int32_t pid, pad2;
  };
  uint64_t fl = tr.t.put_struct(Flock{0, 0, 0, 0, 0, 0, 0});
  CHECK(tr.call(SysNo::fcntl, {3, 6, fl}, 0) ==
        "fcntl(3, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0");
  CHECK(tr.call(SysNo::fcntl, {3, 5, fl}, 0, [&] { tr.t.poke_struct(fl, Flock{2, 0, 0, 0, 0, 0, 0}); }) ==
        "fcntl(3, F_GETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=0, l_pid=0}) = 0");

  uint64_t fds = tr.t.put(std::string(8, '\0'));
  auto kernel = [&] { tr.t.poke(fds, u32(4) + u32(5)); };
  CHECK(tr.call(SysNo::pipe2, {fds, 04000 | 02000000}, 0, kernel) == "pipe2([4, 5], O_NONBLOCK|O_CLOEXEC) = 0");
  CHECK(tr.entry_head == "pipe2(");
  tr.yy(1);
  tr.t.set_fd(4, "pipe:[10197]");
  tr.t.set_fd(5, "pipe:[10197]");
  CHECK(tr.call(SysNo::pipe2, {fds, 0}, 0, kernel) ==
        "pipe2([4<pipe:[10197]>, 5<pipe:[10197]>], 0) = 0");
  CHECK(tr.call(SysNo::pipe2, {kBadAddr, 0}, -14) == "pipe2(0x1, 0) = -1 EFAULT (Bad address)");
  tr.yy(0);
  CHECK(tr.call(SysNo::eventfd2, {0, 02000000 | 04000}, 3) == "eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK) = 3");
  CHECK(tr.call(SysNo::timerfd_create, {1, 02000000 | 04000}, 5) ==
        "timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC|TFD_NONBLOCK) = 5");
  CHECK(tr.call(SysNo::inotify_init1, {02000000}, 6) == "inotify_init1(IN_CLOEXEC) = 6");
  CHECK(tr.call(SysNo::epoll_create1, {02000000}, 3) == "epoll_create1(EPOLL_CLOEXEC) = 3");
  CHECK(tr.call(SysNo::epoll_create1, {0}, 7) == "epoll_create1(0) = 7");
  CHECK(tr.call(SysNo::epoll_create, {1}, 4) == "epoll_create(1) = 4");
}

TEST_CASE("rlimits, signals' syscalls, kill", "[format]") {
  Tracer tr;
  uint64_t old = tr.t.put(std::string(16, '\0'));
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::prlimit64, {0, 3, 0, old}, 0,
                [&] { tr.t.poke_struct(old, RawRlimit{8192 * 1024, ~0ull}); }) ==
        "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0");
  CHECK(tr.call(SysNo::prlimit64, {0, 7, tr.t.put_struct(RawRlimit{1024, 524288}), old}, -1) ==
        "prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1024, rlim_max=512*1024}, " + hex(old) +
            ") = -1 EPERM (Operation not permitted)");
  CHECK(tr.call(SysNo::prlimit64, {0, 4, tr.t.put_struct(RawRlimit{1000, ~0ull}), 0}, 0) ==
        "prlimit64(0, RLIMIT_CORE, {rlim_cur=1000, rlim_max=RLIM64_INFINITY}, NULL) = 0");
  CHECK(tr.call(SysNo::prlimit64, {0, 3, tr.t.put_struct(RawRlimit{4096, 8193}), 0}, 0) ==
        "prlimit64(0, RLIMIT_STACK, {rlim_cur=4*1024, rlim_max=8193}, NULL) = 0");
  CHECK(tr.call(SysNo::prlimit64, {1, 9, 0, kBadAddr}, -14) ==
        "prlimit64(1, RLIMIT_AS, NULL, 0x1) = -1 EFAULT (Bad address)");
  CHECK(tr.call(SysNo::prlimit64, {8949, 99, 0, old}, -22) ==
        "prlimit64(8949, 0x63 /* RLIMIT_??? */, NULL, " + hex(old) + ") = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::getrlimit, {7, old}, 0, [&] { tr.t.poke_struct(old, RawRlimit{1024, 4096}); }) ==
        "getrlimit(RLIMIT_NOFILE, {rlim_cur=1024, rlim_max=4*1024}) = 0");

  const uint64_t handler = 0x561e4be8b3a9, restorer = 0x7f9837097050;
  const uint64_t mask = (1ull << 1) | (1ull << 34);  // INT, RT_3
  uint64_t act = tr.t.put_struct(Sigaction{handler, 0x04000000 | 0x08000000 | 0x10000000 | 4, restorer, mask});
  CHECK(tr.call(SysNo::rt_sigaction, {23, act, 0, 8}, 0) ==
        "rt_sigaction(SIGURG, {sa_handler=0x561e4be8b3a9, sa_mask=[INT RT_3], "
        "sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO, sa_restorer=0x7f9837097050}, NULL, 8) = 0");
  uint64_t oldact = tr.t.put(std::string(32, '\0'));
  CHECK(tr.call(SysNo::rt_sigaction, {17, 0, oldact, 8}, 0) ==
        "rt_sigaction(SIGCHLD, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
  uint64_t ign = tr.t.put_struct(Sigaction{1, 0x04000000, restorer, 0});
  CHECK(tr.call(SysNo::rt_sigaction, {13, ign, oldact, 8}, 0) ==
        "rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, "
        "sa_restorer=0x7f9837097050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
  CHECK(tr.entry_head ==
        "rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, "
        "sa_restorer=0x7f9837097050}, ");
  CHECK(tr.call(SysNo::rt_sigaction, {33, act, 0, 8}, 0).starts_with("rt_sigaction(SIGRT_1, "));
  CHECK(tr.call(SysNo::rt_sigaction, {99, 0, 0, 8}, -22) ==
        "rt_sigaction(99, NULL, NULL, 8) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::rt_sigaction, {2, kBadAddr, 0, 8}, -14) ==
        "rt_sigaction(SIGINT, 0x1, NULL, 8) = -1 EFAULT (Bad address)");

  auto set = [&](uint64_t m) { return tr.t.put(bytes_of(m)); };
  uint64_t oset = tr.t.put(std::string(8, '\0'));
  CHECK(tr.call(SysNo::rt_sigprocmask, {2, set(1ull << 22), 0, 8}, 0) ==
        "rt_sigprocmask(SIG_SETMASK, [URG], NULL, 8) = 0");
  CHECK(tr.call(SysNo::rt_sigprocmask, {0, 0, oset, 8}, 0, [&] { tr.t.poke(oset, bytes_of(uint64_t{1} << 22)); }) ==
        "rt_sigprocmask(SIG_BLOCK, NULL, [URG], 8) = 0");
  const uint64_t glibc_full = ~uint64_t{0} & ~(3ull << 31);  // sigfillset minus glibc's 32, 33
  CHECK(tr.call(SysNo::rt_sigprocmask, {1, set(glibc_full), oset, 8}, 0) ==
        "rt_sigprocmask(SIG_UNBLOCK, ~[RTMIN RT_1], [URG], 8) = 0");
  CHECK(tr.call(SysNo::rt_sigprocmask, {0, set(glibc_full & ~(1ull << 1) & ~(1ull << 8) & ~(1ull << 18)), oset, 8},
                0, [&] { tr.t.poke(oset, bytes_of(uint64_t{0})); }) ==
        "rt_sigprocmask(SIG_BLOCK, ~[INT KILL STOP RTMIN RT_1], [], 8) = 0");
  CHECK(tr.call(SysNo::rt_sigprocmask, {0, set(~0ull), oset, 8}, 0) == "rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0");
  CHECK(tr.call(SysNo::rt_sigprocmask, {1, set(3ull << 31), 0, 8}, 0) ==
        "rt_sigprocmask(SIG_UNBLOCK, [RTMIN RT_1], NULL, 8) = 0");
  CHECK(tr.call(SysNo::rt_sigprocmask, {99, 0, 0, 8}, 0) == "rt_sigprocmask(0x63 /* SIG_??? */, NULL, NULL, 8) = 0");
  CHECK(tr.call(SysNo::rt_sigprocmask, {0, kBadAddr, 0, 8}, -14) ==
        "rt_sigprocmask(SIG_BLOCK, 0x1, NULL, 8) = -1 EFAULT (Bad address)");

  CHECK(tr.call(SysNo::kill, {8949, 0}, 0) == "kill(8949, 0) = 0");
  CHECK(tr.call(SysNo::kill, {8949, 10}, 0) == "kill(8949, SIGUSR1) = 0");
  CHECK(tr.call(SysNo::kill, {1, 99}, -22) == "kill(1, 99) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::tgkill, {8949, 8949, 10}, 0) == "tgkill(8949, 8949, SIGUSR1) = 0");
  CHECK(tr.call(SysNo::tgkill, {8949, 8950, 23}, 0) == "tgkill(8949, 8950, SIGURG) = 0");
}

TEST_CASE("memory: mmap, munmap, mprotect, brk", "[format]") {
  Tracer tr;
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::mmap, {0, 8192, 3, 0x22, neg(-1), 0}, 0x7f395a5aa000) ==
        "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f395a5aa000");
  CHECK(tr.call(SysNo::mmap, {0x7f395a3e3000, 1400832, 5, 0x812, 3, 0x26000}, 0x7f395a3e3000) ==
        "mmap(0x7f395a3e3000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, "
        "0x26000) = 0x7f395a3e3000");
  CHECK(tr.call(SysNo::mmap, {0x10000, 4096, 0, 0x1 | 0x10 | 0x20 | 0x4000 | 0x20000, neg(-1), 0}, 0x10000) ==
        "mmap(0x10000, 4096, PROT_NONE, MAP_SHARED|MAP_FIXED|MAP_ANONYMOUS|MAP_NORESERVE|MAP_STACK, -1, 0) = 0x10000");
  CHECK(tr.call(SysNo::mmap, {0, 4096, 1, 0x2 | 0x1000000 | 0x40000000, 99, 0}, -9) ==
        "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|0x1000000|16<<MAP_HUGE_SHIFT, 99, 0) = -1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::mmap, {0, 4096, 0xff, 0xf0000002, neg(-1), 0}, -9) ==
        "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|0xf0, MAP_PRIVATE|60<<MAP_HUGE_SHIFT, -1, 0) = "
        "-1 EBADF (Bad file descriptor)");
  CHECK(tr.call(SysNo::munmap, {0x7f395a59f000, 41491}, 0) == "munmap(0x7f395a59f000, 41491) = 0");
  CHECK(tr.call(SysNo::mprotect, {0x7f98760b5000, 4096, 7}, -12) ==
        "mprotect(0x7f98760b5000, 4096, PROT_READ|PROT_WRITE|PROT_EXEC) = -1 ENOMEM (Cannot allocate memory)");
  CHECK(tr.call(SysNo::brk, {0}, 0x55b494bb0000) == "brk(NULL) = 0x55b494bb0000");
}

TEST_CASE("process: clone, clone3, fork, execve, wait4, exit", "[format]") {
  Tracer tr;
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::clone, {0x1000000 | 0x200000 | 17, 0, 0, 0x7f9837058a10, 0}, 8950) ==
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
        "child_tidptr=0x7f9837058a10) = 8950");
  CHECK(tr.call(SysNo::clone, {0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000, 0, 0, 0, 0}, 30970) ==
        "clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
        "CLONE_SYSVSEM|CLONE_SETTLS, tls=NULL) = 30970");
  CHECK(tr.call(SysNo::clone, {0x80000000 | 17, 0, 0, 0, 0}, 31374) ==
        "clone(child_stack=NULL, flags=CLONE_IO|SIGCHLD) = 31374");
  CHECK(tr.call(SysNo::clone, {0, 0, 0, 0, 0x1234}, 31375) == "clone(child_stack=NULL, flags=0) = 31375");
  CHECK(tr.entry_head == "clone(child_stack=NULL, flags=0");
  // the Go runtime's newosproc
  CHECK(tr.call(SysNo::clone, {0x100 | 0x200 | 0x400 | 0x800 | 0x40000 | 0x10000, 0xc000060000, 0, 0, 0}, 1234) ==
        "clone(child_stack=0xc000060000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
        "CLONE_SYSVSEM) = 1234");

  struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
  };
  const uint64_t tid_at = tr.t.put_struct(int32_t{9333});  // the parent tid the kernel wrote
  CloneArgs ca{0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000, 0,
               tid_at, tid_at, 0, 0x7f98756c6000, 0x7fff80, 0x7f9875ec66c0, 0, 0, 0};
  // glibc's pthread_create, as strace 6.1 prints it: what the kernel wrote back at exit
  CHECK(tr.call(SysNo::clone3, {tr.t.put_struct(ca), 88}, 9333) ==
        fmt::format("clone3({{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
                    "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid={0:#x}, parent_tid={0:#x}, "
                    "exit_signal=0, stack=0x7f98756c6000, stack_size=0x7fff80, tls=0x7f9875ec66c0}} => "
                    "{{parent_tid=[9333]}}, 88) = 9333",
                    tid_at));
  CHECK(tr.entry_head.ends_with("tls=0x7f9875ec66c0}"));  // " => {...}, 88" comes at exit
  CHECK(tr.call(SysNo::clone3, {kBadAddr, 88}, -14) == "clone3(0x1, 88) = -1 EFAULT (Bad address)");
  CHECK(tr.call(SysNo::fork, {}, 42) == "fork() = 42");
  CHECK(tr.call(SysNo::vfork, {}, 8953) == "vfork() = 8953");

  uint64_t env2 = tr.t.put_string_array({"A=1", "B=2"});
  // as strace 6.1 prints
  CHECK(tr.call(SysNo::execve, {tr.t.put_cstring("/bin/true"), tr.t.put_string_array({"/bin/true", "arg with space"}), env2}, 0) ==
        R"(execve("/bin/true", ["/bin/true", "arg with space"], )" + hex(env2) + " /* 2 vars */) = 0");
  CHECK(tr.call(SysNo::execve, {tr.t.put_cstring("/nonexist"), tr.t.put_string_array({"x"}), 0}, -2) ==
        R"(execve("/nonexist", ["x"], NULL) = -1 ENOENT (No such file or directory))");
  uint64_t env1 = tr.t.put_string_array({"A=1"});
  CHECK(tr.call(SysNo::execve, {tr.t.put_cstring("/nonexist"), tr.t.put_string_array({std::string(99, 'x')}), env1}, -2) ==
        R"(execve("/nonexist", ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...], )" + hex(env1) +
            " /* 1 var */) = -1 ENOENT (No such file or directory)");
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.emplace_back(1, static_cast<char>('a' + i % 26));
  CHECK(tr.call(SysNo::execve, {tr.t.put_cstring("/nonexist"), tr.t.put_string_array(many), 0}, -2) ==
        R"(execve("/nonexist", ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "a", "b", "c", "d", "e", "f", ...], NULL) = -1 ENOENT (No such file or directory))");
  CHECK(tr.call(SysNo::execve, {tr.t.put_cstring("/nonexist"), kBadAddr, kBadAddr}, -14) ==
        R"(execve("/nonexist", 0x1, 0x1) = -1 EFAULT (Bad address))");
  CHECK(tr.call(SysNo::execve, {tr.t.put_cstring("/nonexist"), 0, 0}, -2) ==
        R"(execve("/nonexist", NULL, NULL) = -1 ENOENT (No such file or directory))");
  uint64_t env0 = tr.t.put_string_array({});
  CHECK(tr.call(SysNo::execveat, {kAtFdcwd, tr.t.put_cstring("/nonexist"), tr.t.put_string_array({"a", "b"}), env0, 0x100}, -2) ==
        R"(execveat(AT_FDCWD, "/nonexist", ["a", "b"], )" + hex(env0) +
            " /* 0 vars */, AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)");

  uint64_t st = tr.t.put(u32(0));
  auto status = [&](uint32_t s) { return [&, s] { tr.t.poke(st, u32(s)); }; };
  CHECK(tr.call(SysNo::wait4, {8950, st, 0, 0}, 8950, status(3 << 8)) ==
        "wait4(8950, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 8950");
  CHECK(tr.entry_head == "wait4(8950, ");
  CHECK(tr.call(SysNo::wait4, {8951, st, 0, 0}, 8951, status(9)) ==
        "wait4(8951, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 8951");
  CHECK(tr.call(SysNo::wait4, {8951, st, 0, 0}, 8951, status(11 | 0x80)) ==
        "wait4(8951, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 8951");
  CHECK(tr.call(SysNo::wait4, {8952, st, 2, 0}, 8952, status(19 << 8 | 0x7f)) ==
        "wait4(8952, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL) = 8952");
  CHECK(tr.call(SysNo::wait4, {8952, st, 8, 0}, 8952, status(0xffff)) ==
        "wait4(8952, [{WIFCONTINUED(s)}], WCONTINUED, NULL) = 8952");
  CHECK(tr.call(SysNo::wait4, {neg(-1), st, 1 | 0x40000000, 0}, 0) ==
        "wait4(-1, " + hex(st) + ", WNOHANG|__WALL, NULL) = 0");
  CHECK(tr.call(SysNo::wait4, {neg(-1), st, 0, 0}, -10) ==
        "wait4(-1, " + hex(st) + ", 0, NULL) = -1 ECHILD (No child processes)");
  CHECK(tr.call(SysNo::wait4, {8953, 0, 0, 0}, 8953) == "wait4(8953, NULL, 0, NULL) = 8953");
  // glibc passes pid_t -1 zero-extended; 64-bit offsets stay 64-bit
  CHECK(tr.call(SysNo::wait4, {0xffffffff, st, 0, 0}, -10) ==
        "wait4(-1, " + hex(st) + ", 0, NULL) = -1 ECHILD (No child processes)");
  CHECK(tr.call(SysNo::lseek, {3, 0x80000000, 0}, 0x80000000) == "lseek(3, 2147483648, SEEK_SET) = 2147483648");
  CHECK(tr.call(SysNo::wait4, {neg(-1), 0, 0x10000000, 0}, -22) ==
        "wait4(-1, NULL, 0x10000000 /* W??? */, NULL) = -1 EINVAL (Invalid argument)");

  // Go >= 1.23's os/exec (as strace 6.1 prints): clone with CLONE_PIDFD writes the pidfd at
  // parent_tid, read at exit; waitid(P_PIDFD) with the child's siginfo.
  uint64_t ptid = tr.t.put(u32(0));
  CHECK(tr.call(SysNo::clone, {0x100 | 0x1000 | 0x4000 | 17, 0, ptid, 0, 0}, 21899,
                [&] { tr.t.poke(ptid, u32(12)); }) ==
        "clone(child_stack=NULL, flags=CLONE_VM|CLONE_PIDFD|CLONE_VFORK|SIGCHLD, parent_tid=[12]) = 21899");
  CHECK(tr.entry_head == "clone(child_stack=NULL, flags=CLONE_VM|CLONE_PIDFD|CLONE_VFORK|SIGCHLD, ");
  CHECK(tr.call(SysNo::clone, {0x100 | 0x1000 | 0x4000 | 17, 0, ptid, 0, 0}, -11) ==
        "clone(child_stack=NULL, flags=CLONE_VM|CLONE_PIDFD|CLONE_VFORK|SIGCHLD, parent_tid=" + hex(ptid) +
            ") = -1 EAGAIN (Resource temporarily unavailable)");
  std::string si(48, '\0');
  auto put32 = [&](std::size_t at, int32_t v) { std::memcpy(si.data() + at, &v, 4); };
  put32(0, 17);      // SIGCHLD
  put32(8, 1);       // CLD_EXITED
  put32(16, 30555);  // si_pid
  put32(24, 3);      // si_status
  uint64_t info = tr.t.put(std::string(48, '\0'));
  CHECK(tr.call(SysNo::waitid, {3, 12, info, 4 | 0x80000000, 0}, 0, [&] { tr.t.poke(info, si); }) ==
        "waitid(P_PIDFD, 12, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=30555, si_uid=0, si_status=3, "
        "si_utime=0, si_stime=0}, WEXITED|__WCLONE, NULL) = 0");
  CHECK(tr.entry_head == "waitid(P_PIDFD, 12, ");
  put32(8, 2);  // CLD_KILLED
  put32(24, 9);
  CHECK(tr.call(SysNo::waitid, {1, 30556, info, 4, 0}, 0, [&] { tr.t.poke(info, si); }) ==
        "waitid(P_PID, 30556, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=30555, si_uid=0, si_status=SIGKILL, "
        "si_utime=0, si_stime=0}, WEXITED, NULL) = 0");
  CHECK(tr.call(SysNo::waitid, {0, 0, info, 4 | 1, 0}, 0, [&] { tr.t.poke(info, std::string(48, '\0')); }) ==
        "waitid(P_ALL, 0, {}, WNOHANG|WEXITED, NULL) = 0");
  CHECK(tr.call(SysNo::waitid, {3, 11, info, 4, 0}, -10) ==
        "waitid(P_PIDFD, 11, " + hex(info) + ", WEXITED, NULL) = -1 ECHILD (No child processes)");
  CHECK(tr.call(SysNo::waitid, {7, 11, 0, 4, 0}, -22) ==
        "waitid(0x7 /* P_??? */, 11, NULL, WEXITED, NULL) = -1 EINVAL (Invalid argument)");

  CHECK(tr.call(SysNo::unshare, {0x40000000}, 0) == "unshare(CLONE_NEWNET) = 0");
  CHECK(tr.call(SysNo::close_range, {100, 0xffffffff, 0}, 0) == "close_range(100, 4294967295, 0) = 0");
  // Its flags as strace names them (issue 19), cut to the 32 bits the kernel reads.
  CHECK(tr.call(SysNo::close_range, {3, 10, 4}, 0) == "close_range(3, 10, CLOSE_RANGE_CLOEXEC) = 0");
  CHECK(tr.call(SysNo::close_range, {3, 10, 6}, 0) == "close_range(3, 10, CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC) = 0");
  CHECK(tr.call(SysNo::close_range, {3, 10, 0xdeadbeef00000008ull}, -22) ==
        "close_range(3, 10, 0x8 /* CLOSE_RANGE_??? */) = -1 EINVAL (Invalid argument)");
  CHECK(tr.call(SysNo::sched_yield, {}, 0) == "sched_yield() = 0");
  CHECK(tr.call(SysNo::getpid, {}, 30968) == "getpid() = 30968");
  CHECK(raw_line(SysNo::exit_group, 231, {0}, 0, false) == "exit_group(0) = ?");
  CHECK(raw_line(SysNo::exit, 60, {5}, 0, false) == "exit(5) = ?");
}

TEST_CASE("return values and unknown syscalls", "[format]") {
  // as strace 6.1 prints
  CHECK(raw_line(SysNo::unknown, 500, {1, 2, 3, 0x63, 0, 0x7f9875ec66c0}, -38) ==
        "syscall_0x1f4(0x1, 0x2, 0x3, 0x63, 0, 0x7f9875ec66c0) = -1 ENOSYS (Function not implemented)");
  CHECK(format::syscall_name(SysNo::unknown, 500) == "syscall_0x1f4");
  CHECK(format::syscall_name(SysNo::getrandom, 318) == "getrandom");
  CHECK(raw_line(SysNo::read, 0, {3, 0, 10}, -512) ==
        "read(3, NULL, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
  CHECK(raw_line(SysNo::fork, 57, {}, -513) == "fork() = ? ERESTARTNOINTR (To be restarted)");
  CHECK(raw_line(SysNo::pause, 34, {}, -514) == "pause() = ? ERESTARTNOHAND (To be restarted if no handler)");
  CHECK(raw_line(SysNo::nanosleep, 35, {0, 0}, -516) ==
        "nanosleep(NULL, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)");
  CHECK(raw_line(SysNo::ioctl, 16, {1, 0x5401, 0x7ffe58314c30}, -25) ==
        "ioctl(1, 0x5401, 0x7ffe58314c30) = -1 ENOTTY (Inappropriate ioctl for device)");
  CHECK(raw_line(SysNo::read, 0, {3, 0, 10}, -4000) == "read(3, NULL, 10) = -1 (errno 4000)");
  CHECK(raw_line(SysNo::read, 0, {3, 0, 10}, 0, false) == "read(3, NULL, 10) = ?");
  // Rows without hand-written kinds print every argument in hex.
  CHECK(raw_line(SysNo::shmget, 29, {0, 4096, 0x3b6}, 5) == "shmget(0, 0x1000, 0x3b6) = 5");
}

TEST_CASE("head and tail split", "[format]") {
  Args args;
  args[0].reset(3);
  args[1].reset(0x1000);
  args[2].reset(4096);
  std::string head;
  format::format_call_head(head, {SysNo::read, 0, args}, {});
  CHECK(head == "read(3, ");
  head.clear();
  format::format_call_head(head, {SysNo::close, 3, args}, {});
  CHECK(head == "close(3");
  std::string tail;
  format::format_call_tail(tail, {SysNo::close, 3, args, 0, true}, {});
  CHECK(tail == ") = 0");
  head.clear();
  format::format_call_head(head, {SysNo::getrandom, 318, args}, {});
  CHECK(head == "getrandom(");
  head.clear();
  format::format_call_head(head, {SysNo::getpid, 39, args}, {});
  CHECK(head == "getpid(");
}

TEST_CASE("signals and exits", "[format]") {
  auto sig = [](Signal s) {
    std::string out;
    format::format_signal(out, s);
    return out;
  };
  auto gone = [](int status) {
    std::string out;
    format::format_exit(out, status);
    return out;
  };
  // as strace 6.1 prints
  CHECK(sig({10, SignalStop::Delivery, -6, 8949, 0, 0, 0}) ==
        "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=8949, si_uid=0} ---");
  CHECK(sig({10, SignalStop::Delivery, 0, 8949, 0, 0, 0}) ==
        "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=8949, si_uid=0} ---");
  CHECK(sig({23, SignalStop::Delivery, -6, 100, 1000, 0, 0}) ==
        "--- SIGURG {si_signo=SIGURG, si_code=SI_TKILL, si_pid=100, si_uid=1000} ---");
  CHECK(sig({11, SignalStop::Delivery, 1, 0, 0, 0, 0x7ffe7cf7ef18}) ==
        "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x7ffe7cf7ef18} ---");
  CHECK(sig({11, SignalStop::Delivery, 1, 0, 0, 0, 0}) ==
        "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---");
  CHECK(sig({4, SignalStop::Delivery, 0x80, 0, 0, 0, 0}) ==
        "--- SIGILL {si_signo=SIGILL, si_code=SI_KERNEL, si_addr=NULL} ---");
  CHECK(sig({19, SignalStop::GroupStop, 0, 0, 0, 0, 0}) == "--- stopped by SIGSTOP ---");
  // strace 6.1 also prints si_utime/si_stime for SIGCHLD; Signal does not carry them.
  CHECK(sig({17, SignalStop::Delivery, 1, 8950, 0, 3, 0}) ==
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=8950, si_uid=0, si_status=3} ---");
  CHECK(sig({17, SignalStop::Delivery, 2, 8951, 0, 9, 0}) ==
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=8951, si_uid=0, si_status=SIGKILL} ---");

  CHECK(gone(3 << 8) == "+++ exited with 3 +++");
  CHECK(gone(0) == "+++ exited with 0 +++");
  CHECK(gone(9) == "+++ killed by SIGKILL +++");
  CHECK(gone(11 | 0x80) == "+++ killed by SIGSEGV (core dumped) +++");

  CHECK(format::signal_name(23) == "SIGURG");
  CHECK(format::signal_name(32) == "SIGRTMIN");
  CHECK(format::signal_name(33) == "SIGRT_1");
  CHECK(format::signal_name(35) == "SIGRT_3");
  CHECK(format::signal_name(99) == "signal 99");
}

TEST_CASE("errno names and texts", "[format]") {
  CHECK(format::errno_name(2) == "ENOENT");
  CHECK(format::errno_text(2) == "No such file or directory");
  CHECK(format::errno_name(11) == "EAGAIN");
  CHECK(format::errno_name(115) == "EINPROGRESS");
  CHECK(format::errno_name(512) == "ERESTARTSYS");
  CHECK(format::errno_text(512) == "To be restarted if SA_RESTART is set");
  CHECK(format::errno_text(516) == "Interrupted by signal");
  CHECK(format::errno_name(4000) == "errno 4000");
  CHECK(format::errno_text(515) == "Unknown error 515");
}
