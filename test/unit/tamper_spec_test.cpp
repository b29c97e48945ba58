// --inject / -e fault= / --rlimit parsing: strace's and prlimit's syntax, and one-line
// errors that name the bad part.
#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <cerrno>

#include "gotrace/error.h"
#include "tamper_spec.h"

using namespace gotrace;
using engine::TamperRule;
using namespace std::chrono_literals;

namespace {
// The invocations 1..n a rule fires for.
std::vector<uint32_t> firing(const TamperRule& r, uint32_t n) {
  std::vector<uint32_t> out;
  for (uint32_t i = 1; i <= n; ++i)
    if (r.fires(i)) out.push_back(i);
  return out;
}

std::string usage_error(std::string_view spec, bool fault = false) {
  try {
    cli::parse_inject(spec, fault);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string rlimit_error(std::string_view spec) {
  try {
    cli::parse_rlimits(spec);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("inject: error= by name (any case) or number, on a set of syscalls", "[inject]") {
  TamperRule r = cli::parse_inject("openat,open:error=EMFILE");
  CHECK(r.result == TamperRule::Result::Error);
  CHECK(r.value == EMFILE);
  CHECK(r.raw_return() == -EMFILE);
  CHECK(r.applies(SysNo::openat));
  CHECK(r.applies(SysNo::open));
  CHECK_FALSE(r.applies(SysNo::read));
  CHECK(firing(r, 5) == std::vector<uint32_t>{1, 2, 3, 4, 5});  // no when=: every call
  CHECK(cli::parse_inject("getppid:error=eperm").value == EPERM);
  CHECK(cli::parse_inject("getppid:error=13").value == 13);
  CHECK(cli::parse_inject("getppid:error=4095").value == 4095);
}

TEST_CASE("inject: the set is a -e trace= set", "[inject]") {
  TamperRule net = cli::parse_inject("%net:error=ENETDOWN");
  CHECK(net.applies(SysNo::connect));
  CHECK(net.applies(SysNo::socket));
  CHECK_FALSE(net.applies(SysNo::openat));
  TamperRule neg = cli::parse_inject("!%net:delay_enter=1ms");
  CHECK_FALSE(neg.applies(SysNo::connect));
  CHECK(neg.applies(SysNo::openat));
  CHECK_FALSE(neg.applies(SysNo::unknown));
}

TEST_CASE("inject: retval=, delays in strace's time format", "[inject]") {
  TamperRule r = cli::parse_inject("getppid:retval=42");
  CHECK(r.result == TamperRule::Result::Value);
  CHECK(r.raw_return() == 42);
  CHECK(cli::parse_inject("getppid:retval=-5000").raw_return() == -5000);
  CHECK(cli::parse_inject("getppid:retval=0x10").raw_return() == 16);
  TamperRule d = cli::parse_inject("getrandom:delay_enter=3s:delay_exit=250ms");
  CHECK(d.result == TamperRule::Result::None);
  CHECK(d.delay_enter == 3s);
  CHECK(d.delay_exit == 250ms);
  CHECK(cli::parse_delay("1.5s", "x") == 1500ms);
  CHECK(cli::parse_delay("500", "x") == 500us);  // no unit: microseconds, as strace
  CHECK(cli::parse_delay("10us", "x") == 10us);
  CHECK(cli::parse_delay("100ns", "x") == 100ns);
  CHECK(cli::parse_delay("0", "x") == 0ns);
}

TEST_CASE("inject: when=FIRST[..LAST][+[STEP]] as strace counts", "[inject]") {
  auto w = [](const char* when) { return firing(cli::parse_inject(std::string("getppid:error=EPERM:when=") + when), 12); };
  CHECK(w("3") == std::vector<uint32_t>{3});
  CHECK(w("3..5") == std::vector<uint32_t>{3, 4, 5});
  CHECK(w("3+") == std::vector<uint32_t>{3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(w("3..6+") == std::vector<uint32_t>{3, 4, 5, 6});
  CHECK(w("2+3") == std::vector<uint32_t>{2, 5, 8, 11});
  CHECK(w("2..9+3") == std::vector<uint32_t>{2, 5, 8});
  CHECK(w("1..1") == std::vector<uint32_t>{1});
  // Several when=: the last one counts.
  CHECK(firing(cli::parse_inject("getppid:error=EPERM:when=1:when=4"), 6) == std::vector<uint32_t>{4});
  // Bounds: FIRST and STEP 1..65535, LAST up to 65534.
  CHECK(cli::parse_inject("getppid:error=EPERM:when=65535+65535").first == 65535);
  CHECK(cli::parse_inject("getppid:error=EPERM:when=1..65534").last == 65534);
}

TEST_CASE("fault= is inject with error= only, ENOSYS by default", "[inject]") {
  TamperRule f = cli::parse_inject("getppid", true);
  CHECK(f.result == TamperRule::Result::Error);
  CHECK(f.value == ENOSYS);
  CHECK(cli::parse_inject("getppid:error=EACCES:when=2", true).value == EACCES);
  CHECK(usage_error("getppid:retval=3", true) ==
        "-e fault= 'getppid:retval=3': retval= is not allowed with fault= (only error= and when=)");
  CHECK(usage_error("getppid:delay_enter=10", true).find("delay_enter= is not allowed") != std::string::npos);
}

TEST_CASE("inject: bad specs are one-line usage errors naming the bad part", "[inject]") {
  CHECK(usage_error("getppid") == "--inject 'getppid': needs error=, retval=, delay_enter= or delay_exit=");
  CHECK(usage_error(":error=EPERM") == "--inject ':error=EPERM': no syscall set before ':'");
  CHECK(usage_error("nosuch:error=EPERM") == "--inject 'nosuch:error=EPERM': invalid system call 'nosuch'");
  CHECK(usage_error("none:error=EPERM") == "--inject 'none:error=EPERM': the set names no syscall");
  CHECK(usage_error("getppid:error=EPERM:retval=3") ==
        "--inject 'getppid:error=EPERM:retval=3': only one error= or retval= is allowed");
  CHECK(usage_error("getppid:error=EPERM:error=EACCES").find("only one error= or retval=") != std::string::npos);
  CHECK(usage_error("getppid:error=0") ==
        "--inject 'getppid:error=0': error=0 is not an errno name (ENOENT, EMFILE...) or 1..4095");
  CHECK(usage_error("getppid:error=4096").find("error=4096 is not an errno") != std::string::npos);
  CHECK(usage_error("getppid:error=ENOTANERRNO").find("error=ENOTANERRNO") != std::string::npos);
  CHECK(usage_error("getppid:retval=abc") == "--inject 'getppid:retval=abc': retval=abc is not an integer");
  CHECK(usage_error("getppid:delay_enter=abc").find("delay_enter=abc is not a duration") != std::string::npos);
  CHECK(usage_error("getppid:delay_enter=1h").find("delay_enter=1h is not a duration") != std::string::npos);
  CHECK(usage_error("getppid:delay_exit=-1").find("delay_exit=-1 is not a duration") != std::string::npos);
  CHECK(usage_error("getppid:error=EPERM:when=0") ==
        "--inject 'getppid:error=EPERM:when=0': when=0: FIRST must be 1..65535");
  CHECK(usage_error("getppid:error=EPERM:when=5..3") ==
        "--inject 'getppid:error=EPERM:when=5..3': when=5..3: LAST must be FIRST..65534");
  CHECK(usage_error("getppid:error=EPERM:when=2..65535").find("LAST must be") != std::string::npos);
  CHECK(usage_error("getppid:error=EPERM:when=3+0") ==
        "--inject 'getppid:error=EPERM:when=3+0': when=3+0: STEP must be 1..65535");
  CHECK(usage_error("getppid:error=EPERM:when=x").find("FIRST must be") != std::string::npos);
  CHECK(usage_error("getppid:foo=1") ==
        "--inject 'getppid:foo=1': unknown 'foo=' (error=, retval=, delay_enter=, delay_exit=, when=)");
  CHECK(usage_error("getppid:signal=SIGSEGV").find("signal= is not supported by gotrace") != std::string::npos);
  CHECK(usage_error("getppid:error").find("'error' is not KEY=VALUE") != std::string::npos);
  CHECK(usage_error("getppid:error=EPERM:").find("'' is not KEY=VALUE") != std::string::npos);
  // Every message is one line.
  for (const char* s : {"getppid", "x:error=1", "getppid:when=1"})
    CHECK(usage_error(s).find('\n') == std::string::npos);
}

TEST_CASE("rlimit: nofile and nproc, N alone sets soft and hard as prlimit", "[inject][rlimit]") {
  auto l = cli::parse_rlimits("nofile=12");
  REQUIRE(l.size() == 1);
  CHECK(l[0].resource == RLIMIT_NOFILE);
  CHECK(l[0].soft == 12);
  CHECK(l[0].hard == 12);
  l = cli::parse_rlimits("nofile=20:4096,nproc=50:unlimited");
  REQUIRE(l.size() == 2);
  CHECK(l[0].soft == 20);
  CHECK(l[0].hard == 4096);
  CHECK(l[1].resource == RLIMIT_NPROC);
  CHECK(l[1].name == "RLIMIT_NPROC");
  CHECK(l[1].soft == 50);
  CHECK(l[1].hard == RLIM_INFINITY);
  CHECK(cli::parse_rlimits("nproc=unlimited")[0].soft == RLIM_INFINITY);
}

TEST_CASE("rlimit: bad specs are one-line usage errors", "[inject][rlimit]") {
  CHECK(rlimit_error("stack=10") == "--rlimit 'stack=10': unknown limit 'stack' (nofile or nproc)");
  CHECK(rlimit_error("nofile") == "--rlimit 'nofile': 'nofile' is not NAME=N[:HARD]");
  CHECK(rlimit_error("nofile=abc") == "--rlimit 'nofile=abc': 'nofile=abc': 'abc' is not a number or unlimited");
  CHECK(rlimit_error("nofile=") == "--rlimit 'nofile=': 'nofile=': '' is not a number or unlimited");
  CHECK(rlimit_error("nofile=20:10") ==
        "--rlimit 'nofile=20:10': 'nofile=20:10': the soft limit is above the hard limit");
  CHECK(rlimit_error("nofile=-1").find("'-1' is not a number") != std::string::npos);
  CHECK(rlimit_error("nofile=10,nofile=20") == "--rlimit 'nofile=10,nofile=20': nofile is given twice");
  CHECK(rlimit_error("nofile=10,") == "--rlimit 'nofile=10,': '' is not NAME=N[:HARD]");
}
