// Test helpers for file-based sources and sinks: a temporary directory removed at the end
// of the test, whole-file read/write, and a consumer that keeps every event.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "gotrace/consumer.h"

namespace gotrace::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gotrace-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Collect final : EventConsumer {
  std::vector<Event> events;
  void on_event(const Event& e) override { events.push_back(e); }
};

// Where the committed test data lives (set by CMake, or the source tree by default).
inline std::string data_dir() {
#ifdef GOTRACE_TEST_DATA_DIR
  return GOTRACE_TEST_DATA_DIR;
#else
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "data";
#endif
}

}  // namespace gotrace::test
