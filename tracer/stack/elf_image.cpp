// ELF64 reading for the stack symbolizer. See elf_image.h. Every offset read from the file is
// bounds-checked: the file is the tracee's, and may be anything.
#include "elf_image.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gotrace::stack {

ElfImage::ElfImage(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    problem_ = "cannot open " + path + ": " + std::strerror(errno);
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    problem_ = "cannot read " + path;
    ::close(fd);
    return;
  }
  size_ = static_cast<std::size_t>(st.st_size);
  void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) {
    problem_ = "cannot map " + path + ": " + std::strerror(errno);
    size_ = 0;
    return;
  }
  data_ = static_cast<uint8_t*>(m);
  parse();
}

ElfImage::~ElfImage() {
  if (data_) ::munmap(data_, size_);
}

std::optional<ElfSection> ElfImage::section(std::string_view name) const {
  for (const ElfSection& s : sections_)
    if (s.name == name) return s;
  return std::nullopt;
}

void ElfImage::parse() {
  Elf64_Ehdr eh;
  if (size_ < sizeof eh || std::memcmp(data_, ELFMAG, SELFMAG) != 0) {
    problem_ = "not an ELF file";
    return;
  }
  std::memcpy(&eh, data_, sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    problem_ = "not a 64-bit ELF file";
    return;
  }
  auto in_file = [&](uint64_t off, uint64_t len) { return off <= size_ && len <= size_ - off; };
  if (eh.e_phentsize == sizeof(Elf64_Phdr) && in_file(eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr))) {
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
      Elf64_Phdr ph;
      std::memcpy(&ph, data_ + eh.e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_type == PT_LOAD)
        segments_.push_back({ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz, (ph.p_flags & PF_X) != 0});
    }
  }
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
      !in_file(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr)) || eh.e_shstrndx >= eh.e_shnum)
    return;  // no usable section headers: callers scan instead
  auto shdr = [&](unsigned i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, data_ + eh.e_shoff + i * sizeof sh, sizeof sh);
    return sh;
  };
  Elf64_Shdr strtab = shdr(eh.e_shstrndx);
  if (!in_file(strtab.sh_offset, strtab.sh_size)) return;
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = shdr(i);
    ElfSection s;
    if (sh.sh_name < strtab.sh_size) {
      const char* n = reinterpret_cast<const char*>(data_ + strtab.sh_offset + sh.sh_name);
      s.name.assign(n, strnlen(n, strtab.sh_size - sh.sh_name));
    }
    s.addr = sh.sh_addr;
    s.offset = sh.sh_offset;
    s.size = sh.sh_type == SHT_NOBITS || !in_file(sh.sh_offset, sh.sh_size) ? 0 : sh.sh_size;
    sections_.push_back(std::move(s));
  }
}

}  // namespace gotrace::stack
