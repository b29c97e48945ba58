// The syscall table against two independent sources: the C library's <sys/syscall.h>
// numbers and libseccomp's name resolution, for x86_64 and aarch64.
#include <seccomp.h>
#include <sys/syscall.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "compat_syscalls.h"
#include "gotrace/syscall_table.h"

using namespace gotrace;

TEST_CASE("every row matches libseccomp on x86_64 and aarch64", "[table]") {
  std::set<std::string> names;
  for (const SyscallInfo& info : all_syscalls()) {
    INFO(info.name);
    CHECK(names.insert(info.name).second);  // no duplicate names
    CHECK(info.nargs <= kMaxArgs);
    int x = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, info.name);
    if (x >= 0) CHECK(x == info.x86_64);  // libseccomp 2.5.4 stops at 456; newer rows unchecked
    int a = seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, info.name);
    if (a >= 0 || info.aarch64 < 424) CHECK((a < 0 ? -1 : a) == info.aarch64);
  }
  CHECK(names.size() > 350);
}

TEST_CASE("decoded syscalls match <sys/syscall.h>", "[table]") {
  struct Known {
    SysNo s;
    long nr;
  };
  const Known known[] = {
      {SysNo::read, __NR_read},           {SysNo::write, __NR_write},
      {SysNo::open, __NR_open},           {SysNo::openat, __NR_openat},
      {SysNo::openat2, __NR_openat2},     {SysNo::close, __NR_close},
      {SysNo::futex, __NR_futex},         {SysNo::epoll_wait, __NR_epoll_wait},
      {SysNo::epoll_pwait, __NR_epoll_pwait}, {SysNo::epoll_pwait2, __NR_epoll_pwait2},
      {SysNo::epoll_ctl, __NR_epoll_ctl}, {SysNo::getrandom, __NR_getrandom},
      {SysNo::connect, __NR_connect},     {SysNo::socket, __NR_socket},
      {SysNo::clone, __NR_clone},         {SysNo::clone3, __NR_clone3},
      {SysNo::fork, __NR_fork},           {SysNo::vfork, __NR_vfork},
      {SysNo::execve, __NR_execve},       {SysNo::execveat, __NR_execveat},
      {SysNo::wait4, __NR_wait4},         {SysNo::exit, __NR_exit},
      {SysNo::exit_group, __NR_exit_group}, {SysNo::prlimit64, __NR_prlimit64},
      {SysNo::getrlimit, __NR_getrlimit}, {SysNo::setrlimit, __NR_setrlimit},
      {SysNo::tgkill, __NR_tgkill},       {SysNo::kill, __NR_kill},
      {SysNo::rt_sigaction, __NR_rt_sigaction}, {SysNo::rt_sigprocmask, __NR_rt_sigprocmask},
      {SysNo::rt_sigreturn, __NR_rt_sigreturn}, {SysNo::mmap, __NR_mmap},
      {SysNo::munmap, __NR_munmap},       {SysNo::pread64, __NR_pread64},
      {SysNo::pwrite64, __NR_pwrite64},   {SysNo::readv, __NR_readv},
      {SysNo::writev, __NR_writev},       {SysNo::dup, __NR_dup},
      {SysNo::dup2, __NR_dup2},           {SysNo::dup3, __NR_dup3},
      {SysNo::pipe2, __NR_pipe2},         {SysNo::fcntl, __NR_fcntl},
      {SysNo::bind, __NR_bind},           {SysNo::listen, __NR_listen},
      {SysNo::accept, __NR_accept},       {SysNo::accept4, __NR_accept4},
      {SysNo::getsockopt, __NR_getsockopt}, {SysNo::setsockopt, __NR_setsockopt},
      {SysNo::sendto, __NR_sendto},       {SysNo::recvfrom, __NR_recvfrom},
      {SysNo::sendmsg, __NR_sendmsg},     {SysNo::recvmsg, __NR_recvmsg},
      {SysNo::sendmmsg, __NR_sendmmsg},   {SysNo::getsockname, __NR_getsockname},
      {SysNo::getpeername, __NR_getpeername}, {SysNo::nanosleep, __NR_nanosleep},
      {SysNo::clock_nanosleep, __NR_clock_nanosleep}, {SysNo::poll, __NR_poll},
      {SysNo::ppoll, __NR_ppoll},         {SysNo::select, __NR_select},
      {SysNo::pselect6, __NR_pselect6},   {SysNo::getpid, __NR_getpid},
      {SysNo::newfstatat, __NR_newfstatat}, {SysNo::close_range, __NR_close_range},
  };
  for (const Known& k : known) {
    INFO(syscall_info(k.s).name);
    CHECK(syscall_number(Arch::X86_64, k.s) == k.nr);
    CHECK(sysno_from_number(Arch::X86_64, k.nr) == k.s);
  }
}

TEST_CASE("unknown numbers and names", "[table]") {
  CHECK(sysno_from_number(Arch::X86_64, 9999) == SysNo::unknown);
  CHECK(sysno_from_number(Arch::X86_64, -1) == SysNo::unknown);
  CHECK(sysno_from_number(Arch::X86_64, 400) == SysNo::unknown);  // a hole (336..423)
  CHECK(syscall_info(SysNo::unknown).nargs == 6);
  CHECK(sysno_from_name("getrandom") == SysNo::getrandom);
  CHECK_FALSE(sysno_from_name("no_such_call").has_value());
  CHECK(sysno_from_number(Arch::Aarch64, 278) == SysNo::getrandom);
}

TEST_CASE("strace classes come from the table's flags", "[table]") {
  CHECK(syscall_class_flag("%net") == kNet);
  CHECK(syscall_class_flag("file") == kFile);
  CHECK(syscall_class_flag("%bogus") == 0);
  CHECK(syscall_info(SysNo::connect).has(kNet));
  CHECK(syscall_info(SysNo::openat).has(kFile | kDesc));
  CHECK(syscall_info(SysNo::clone3).has(kProcess));
  CHECK(syscall_info(SysNo::openat).has(kReturnsFd));
  CHECK(syscall_info(SysNo::exit_group).has(kNeverReturns));
}

TEST_CASE("32-bit calls are named from the i386 numbers", "[syscalls][compat]") {
  // The numbers of arch/x86/entry/syscalls/syscall_32.tbl: not the x86_64 ones.
  CHECK(engine::sysno_from_i386(4) == SysNo::write);    // x86_64 4: stat
  CHECK(engine::sysno_from_i386(2) == SysNo::fork);     // x86_64 2: open
  CHECK(engine::sysno_from_i386(11) == SysNo::execve);  // x86_64 11: munmap
  CHECK(engine::sysno_from_i386(120) == SysNo::clone);
  CHECK(engine::sysno_from_i386(359) == SysNo::socket);
  CHECK(engine::sysno_from_i386(362) == SysNo::connect);
  CHECK(engine::sysno_from_i386(355) == SysNo::getrandom);
  CHECK(engine::sysno_from_i386(7) == SysNo::unknown);  // waitpid: no row
  CHECK(engine::sysno_from_i386(-1) == SysNo::unknown);
  CHECK(engine::sysno_from_i386(100000) == SysNo::unknown);
}
