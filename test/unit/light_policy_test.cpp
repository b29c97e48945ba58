// Light mode's decisions (tracer/live/light_policy.h): which processes stop at every call.
#include <catch2/catch.hpp>

#include <cerrno>

#include "diagnosis.h"
#include "light_policy.h"

using namespace gotrace;
using live::LightPolicy;

namespace {

Args args(uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0) {
  Args a;
  a[0].reset(a0);
  a[1].reset(a1);
  a[2].reset(a2);
  return a;
}

}  // namespace

TEST_CASE("light mode's filter keeps the calls that change state and drops per-file ones", "[light]") {
  analyzers::Diagnosis d({});
  auto light_traced = [&](SysNo s) { return d.needs(s) && !LightPolicy::per_file(s, syscall_info(s)); };
  for (SysNo s : {SysNo::socket, SysNo::connect, SysNo::getsockopt, SysNo::getrandom, SysNo::clone3,
                  SysNo::execve, SysNo::exit_group, SysNo::prlimit64, SysNo::pipe2, SysNo::dup3,
                  SysNo::sendto, SysNo::recvfrom, SysNo::accept4}) {
    INFO(syscall_info(s).name);
    CHECK(light_traced(s));
  }
  for (SysNo s : {SysNo::openat, SysNo::open, SysNo::creat, SysNo::read, SysNo::write, SysNo::readv,
                  SysNo::writev, SysNo::pread64, SysNo::close, SysNo::close_range}) {
    INFO(syscall_info(s).name);
    CHECK_FALSE(light_traced(s));
  }
  // stderr writes still stop: the evidence of Go's and the shell's error messages.
  auto kept = LightPolicy::kept_per_file();
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].sysno == SysNo::write);
  CHECK(kept[0].values == std::vector<uint32_t>{2});
}

TEST_CASE("a connection window lasts from connect to the first answer", "[light]") {
  LightPolicy p;
  CHECK_FALSE(p.every_call(10));
  CHECK(p.on_exit(10, SysNo::connect, args(5), -EINPROGRESS));
  CHECK(p.every_call(10));
  CHECK_FALSE(p.every_call(11));  // another process is not concerned
  // An EAGAIN read, data read before any request, other fds: still waiting.
  CHECK_FALSE(p.on_exit(10, SysNo::read, args(5), -EAGAIN));
  CHECK_FALSE(p.on_exit(10, SysNo::read, args(5), 100));
  CHECK_FALSE(p.on_exit(10, SysNo::write, args(6), 100));
  CHECK_FALSE(p.on_exit(10, SysNo::read, args(6), 100));
  CHECK_FALSE(p.on_exit(10, SysNo::write, args(5), 300));  // the request
  CHECK(p.every_call(10));
  CHECK_FALSE(p.on_exit(10, SysNo::read, args(5), 0));  // EOF is no answer either
  CHECK(p.on_exit(10, SysNo::read, args(5), 4096));      // the answer
  CHECK_FALSE(p.every_call(10));
}

TEST_CASE("a window ends when its socket is closed, replaced or the process execs", "[light]") {
  LightPolicy p;
  p.on_exit(1, SysNo::connect, args(3), 0);
  CHECK(p.on_exit(1, SysNo::close, args(3), 0));
  CHECK_FALSE(p.every_call(1));
  p.on_exit(1, SysNo::connect, args(4), 0);
  CHECK(p.on_exit(1, SysNo::dup3, args(9, 4), 4));
  CHECK_FALSE(p.every_call(1));
  p.on_exit(1, SysNo::connect, args(7), 0);
  CHECK(p.on_exit(1, SysNo::close_range, args(5, ~0ull), 0));
  CHECK_FALSE(p.every_call(1));
  p.on_exit(1, SysNo::connect, args(7), 0);
  p.on_exec(1);
  CHECK_FALSE(p.every_call(1));
  // A failed connect opens no window.
  CHECK_FALSE(p.on_exit(1, SysNo::connect, args(8), -ECONNREFUSED));
  CHECK_FALSE(p.every_call(1));
}

TEST_CASE("fd pressure: a small limit, 3/4 of it in use, or EMFILE", "[light]") {
  LightPolicy p;
  CHECK_FALSE(p.on_nofile(1, 1024, 10));
  CHECK(p.on_nofile(1, 20, 3));  // --rlimit nofile=20
  CHECK(p.every_call(1));
  CHECK(p.on_nofile(1, 1048576, 3));  // Go raised its soft limit to the hard one
  CHECK_FALSE(p.every_call(1));
  CHECK(p.on_nofile(1, 1024, 768));
  CHECK(p.every_call(1));
  p.on_fork(1, 2);
  CHECK(p.every_call(2));
  CHECK(p.on_nofile(1, 1024, 100));
  // EMFILE on a traced call: every call stops until exec, whatever the counts say.
  CHECK(p.on_exit(3, SysNo::socket, args(2, 1), -EMFILE));
  CHECK_FALSE(p.on_nofile(3, 1048576, 5));
  CHECK(p.every_call(3));
  p.on_exec(3);
  CHECK_FALSE(p.every_call(3));
  p.on_gone(2);
  CHECK_FALSE(p.every_call(2));
}

TEST_CASE("stuck: a tick with no bytes moved and little CPU makes every process stop at every call", "[light]") {
  LightPolicy p;
  CHECK(p.on_tick(true, true) == 0);
  CHECK(p.on_tick(false, true) == 0);  // computing, not waiting: detail would not help
  CHECK_FALSE(p.stuck());
  CHECK(p.on_tick(false, false) == 1);
  CHECK(p.every_call(42));
  CHECK(p.on_tick(false, false) == 0);
  CHECK(p.on_tick(false, true) == 0);  // still stuck until bytes move
  CHECK(p.on_tick(true, false) == -1);
  CHECK_FALSE(p.every_call(42));
}
