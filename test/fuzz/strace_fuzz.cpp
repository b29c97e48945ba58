// libFuzzer harness for StraceLogSource (scripts/fuzz.sh): any text must give a stream
// that starts with TraceStart and ends with TraceEnd, with bad lines skipped, never a
// crash, hang, leak or exception.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "gotrace/error.h"
#include "strace_import.h"

namespace {

struct Check final : gotrace::EventConsumer {
  uint64_t n = 0;
  bool started = false, ended = false;
  void on_event(const gotrace::Event& e) override {
    if (n++ == 0) started = std::holds_alternative<gotrace::TraceStart>(e.body);
    if (ended) std::abort();  // nothing after TraceEnd
    ended = std::holds_alternative<gotrace::TraceEnd>(e.body);
    if (const auto* x = std::get_if<gotrace::SyscallExit>(&e.body))
      for (const gotrace::Arg& a : x->args) n += a.data.size();  // touch what was parsed
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static int fd = memfd_create("strace-fuzz", 0);
  if (fd < 0 || ftruncate(fd, 0) != 0) std::abort();
  if (size && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  if (size == 0) {  // the one input the constructor refuses
    try {
      gotrace::record::StraceLogSource empty("/proc/self/fd/" + std::to_string(fd));
    } catch (const gotrace::RecordFormatError&) {
      return 0;
    }
    std::abort();
  }
  gotrace::record::StraceLogSource src("/proc/self/fd/" + std::to_string(fd));
  Check c;
  src.run(c);
  if (!c.started || !c.ended) std::abort();
  return 0;
}
