// A read-only view of an ELF64 file (mmap'ed): sections by name and PT_LOAD segments. Used to find .gopclntab and to turn file offsets into link-time addresses.
// Layer: tracer/stack (live only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gotrace::stack {

struct ElfSegment {
  uint64_t vaddr = 0, offset = 0, filesz = 0, memsz = 0;
  bool exec = false;
};

struct ElfSection {
  std::string name;
  uint64_t addr = 0, offset = 0, size = 0;
};

class ElfImage {
 public:
  // Maps `path`. On failure, ok() is false and problem() says why (one line).
  explicit ElfImage(const std::string& path);
  ~ElfImage();
  ElfImage(const ElfImage&) = delete;
  ElfImage& operator=(const ElfImage&) = delete;

  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  const uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::vector<ElfSegment>& segments() const { return segments_; }
  const std::vector<ElfSection>& sections() const { return sections_; }  // empty when stripped of them
  std::optional<ElfSection> section(std::string_view name) const;

 private:
  void parse();
  uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::string problem_;
  std::vector<ElfSegment> segments_;
  std::vector<ElfSection> sections_;
};

}  // namespace gotrace::stack
