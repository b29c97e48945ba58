// Writes the replay fuzzer's seed recordings (test/fuzz/seeds/replay) with RecordWriter:
// a small trace of every event kind, a cut one, and one with an unknown record tag.
// Built and run by `scripts/fuzz.sh --make-seeds`.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "event_script.h"
#include "record_writer.h"

using namespace gotrace;

namespace {

void write(const std::string& path, const std::vector<Event>& events) {
  record::RecordWriter w(path);
  for (const Event& e : events) w.on_event(e);
  w.finish();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_replay_seeds DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  test::EventScript s;
  s.start({"go", "mod", "download"}).process(100).thread(100, 101, 100);
  s.enter(100, 101, SysNo::openat, {static_cast<uint64_t>(-100), 0x1000, 0}).data(101, 1, "/etc/hosts");
  s.after_ms(1).exit(100, 101, 3);
  s.enter(100, 100, SysNo::read, {3, 0x2000, 64}).data(100, 1, std::string("\x16\x03\x01\0\xff", 5));
  s.after_ms(2).exit(100, 100, -11).call(100, 101, SysNo::connect, {4, 0x3000, 16}, -115);
  s.enter(100, 100, SysNo::epoll_pwait, {5, 0x4000, 128, 29999});
  s.signal(100, 101, 23).tick().after_ms(30000).exit(100, 100, 0);
  s.enter(100, 100, SysNo::getrandom, {0x5000, 32, 0}).after_ms(5).exit(100, 100, 32);
  s.enter(100, 101, SysNo::exit_group, {1}).thread_exit(100, 101, 1 << 8).thread_exit(100, 100, 1 << 8);
  s.end(EndReason::AllExited, 1 << 8);
  write(dir + "/trace.gtr", s.events());

  std::vector<Event> small(s.events().begin(), s.events().begin() + 6);
  write(dir + "/killed.gtr", small);  // no TraceEnd: replays as truncated
  std::ifstream in(dir + "/killed.gtr", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir + "/cut.gtr", std::ios::binary) << bytes.substr(0, bytes.size() - 3);
  // An unknown tag (77) between the header and the records: {dts 0, pid 1, tid 1, 0xaa}.
  std::size_t header = 16 + static_cast<unsigned char>(bytes[12]);
  std::string future = bytes.substr(0, header) +
                       std::string("\x4d\x00\x04\x00\x00\x00\x00\x02\x02\xaa", 10) + bytes.substr(header);
  std::ofstream(dir + "/future_tag.gtr", std::ios::binary) << future;

  // A Stack record (tag 13): frames with and without names, and a note.
  test::EventScript k;
  k.start({"prog"}).process(7).enter(7, 7, SysNo::getrandom, {0x5000, 32, 0});
  k.stack(7, 7, {{0x4a1b2c, 0xa1b2c, "/usr/bin/prog", "crypto/rand.Read", 0x1e, "/go/src/crypto/rand/rand.go", 25},
                 {0x7f0010, 0, "", "", 0, "", 0}},
          "unsupported pclntab version (magic 0xfffffffb)");
  k.after_ms(5).exit(7, 7, 32).end();
  write(dir + "/stack.gtr", k.events());
  return 0;
}
