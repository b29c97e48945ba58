// libFuzzer harness for ReplaySource (scripts/fuzz.sh): on any file content it must throw
// RecordFormatError or emit events ending in TraceEnd, never crash, hang or leak; and
// whatever it emits must survive RecordWriter -> ReplaySource unchanged.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gotrace/error.h"
#include "record_writer.h"
#include "replay_source.h"

namespace {

struct Keep final : gotrace::EventConsumer {
  std::vector<gotrace::Event> events;
  void on_event(const gotrace::Event& e) override { events.push_back(e); }
};

std::string memfd_path(const uint8_t* data, size_t size) {
  static int fd = memfd_create("replay-fuzz", 0);
  if (fd < 0 || ftruncate(fd, 0) != 0) std::abort();
  if (size && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  return "/proc/self/fd/" + std::to_string(fd);
}

const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string d = "/dev/shm/gotrace-fuzz-" + std::to_string(getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Keep first;
  gotrace::Arch arch;
  try {
    gotrace::record::ReplaySource src(memfd_path(data, size));
    arch = src.arch();
    src.run(first);
  } catch (const gotrace::RecordFormatError&) {
    return 0;
  }
  if (first.events.empty() || !std::holds_alternative<gotrace::TraceEnd>(first.events.back().body))
    std::abort();
  std::string path = scratch_dir() + "/again.gtr";
  {
    gotrace::record::RecordWriter w(path, arch);
    for (const gotrace::Event& e : first.events) w.on_event(e);
    if (!w.error().empty()) std::abort();
  }
  Keep second;
  gotrace::record::ReplaySource again(path);
  again.run(second);
  if (second.events != first.events) std::abort();
  return 0;
}
