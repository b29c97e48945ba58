// The fast path's syscall set comes from the analyzers' needs, answered from table flags.
#include <catch2/catch.hpp>
#include <fcntl.h>

#include "diagnosis.h"

using namespace gotrace;

TEST_CASE("the diagnosis needs lifecycle, fd, network and getrandom calls only", "[fastpath]") {
  analyzers::Diagnosis d({});
  for (SysNo s : {SysNo::getrandom, SysNo::connect, SysNo::socket, SysNo::getsockopt, SysNo::openat,
                  SysNo::close, SysNo::dup3, SysNo::pipe2, SysNo::clone, SysNo::clone3, SysNo::execve,
                  SysNo::exit_group, SysNo::wait4, SysNo::write, SysNo::read, SysNo::prlimit64, SysNo::accept4}) {
    INFO(syscall_info(s).name);
    CHECK(d.needs(s));
  }
  // Go's noise and file-data calls run without a stop; so do signal senders (Go's SIGURG
  // preemption is a tgkill): a sent signal is seen when it is delivered.
  for (SysNo s : {SysNo::futex, SysNo::nanosleep, SysNo::epoll_pwait, SysNo::pread64, SysNo::mmap,
                  SysNo::madvise, SysNo::getpid, SysNo::newfstatat, SysNo::sched_yield,
                  SysNo::rt_sigprocmask, SysNo::epoll_ctl, SysNo::tgkill, SysNo::tkill, SysNo::kill,
                  SysNo::rt_sigqueueinfo, SysNo::rt_tgsigqueueinfo, SysNo::pidfd_send_signal}) {
    INFO(syscall_info(s).name);
    CHECK_FALSE(d.needs(s));
  }
  std::size_t needed = 0;
  for (std::size_t i = 0; i < kSyscallCount; ++i) needed += d.needs(static_cast<SysNo>(i));
  CHECK(needed < kSyscallCount / 2);
}

TEST_CASE("fcntl stops only for the commands the fd table needs", "[fastpath]") {
  analyzers::Diagnosis d({});
  CHECK(d.needs(SysNo::fcntl));
  std::vector<ArgCondition> only = d.needed_only_when();
  REQUIRE(only.size() == 1);
  CHECK(only[0].sysno == SysNo::fcntl);
  CHECK(only[0].arg == 1);
  CHECK(only[0].values == std::vector<uint32_t>{F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD});
}
