// Go's .gopclntab reader on a real stripped Go binary (test/e2e/progs/go/stackchain, built
// with -ldflags=-s -w) and on degraded input: a truncated table, a wrong magic, garbage and
// a corrupted table give a one-line problem or unnamed addresses, never a crash.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "elf_image.h"
#include "pclntab.h"
#include "test_files.h"

using namespace gotrace::stack;

namespace {

#ifdef GOTRACE_TEST_GO_BINARY
const char* kGoBinary = GOTRACE_TEST_GO_BINARY;
#else
const char* kGoBinary = "";
#endif

// Every function of the table, by walking pcs from text start: func_at must tile the text.
std::optional<GoFunc> find_named(const Pclntab& t, const std::string& name) {
  for (uint64_t pc = t.text_start(); pc < t.text_end();) {
    std::optional<GoFunc> f = t.func_at(pc);
    if (!f) return std::nullopt;
    if (f->name == name) return f;
    // Skip to the next function: probe forward until the name changes.
    uint64_t step = 16;
    while (pc + step < t.text_end()) {
      std::optional<GoFunc> g = t.func_at(pc + step);
      if (!g || g->entry != f->entry) break;
      step *= 2;
    }
    uint64_t lo = pc, hi = pc + step;  // func_at(lo) is f, func_at(hi) is not (or the end)
    while (hi - lo > 1) {
      uint64_t mid = lo + (hi - lo) / 2;
      std::optional<GoFunc> g = t.func_at(mid);
      if (g && g->entry == f->entry) lo = mid; else hi = mid;
    }
    pc = hi;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("pclntab of a stripped Go binary names functions with file and line", "[stack][pclntab]") {
  if (std::strlen(kGoBinary) == 0) {
    WARN("go not installed: no Go binary to read");
    return;
  }
  ElfImage elf(kGoBinary);
  REQUIRE(elf.ok());
  std::optional<ElfSection> sec = elf.section(".gopclntab");
  REQUIRE(sec);
  std::string problem;
  std::optional<Pclntab> t = Pclntab::parse(elf.data() + sec->offset, sec->size, problem);
  REQUIRE(t);
  CHECK(problem.empty());
  CHECK(std::string(t->version()) == "go1.18");  // Debian 12's go1.19 writes the 1.18 layout

  // Found by scanning too (what a binary without section headers needs).
  std::optional<std::size_t> at = Pclntab::find(elf.data(), elf.size());
  REQUIRE(at);
  CHECK(*at == sec->offset);

  for (const char* name : {"main.openTwo", "main.randTwo", "main.main", "os.OpenFile"}) {
    INFO(name);
    std::optional<GoFunc> f = find_named(*t, name);
    REQUIRE(f);
    std::optional<GoFunc> again = t->func_at(f->entry + 1);
    REQUIRE(again);
    CHECK(again->name == name);
    std::string file = t->file_at(*f, f->entry);
    CHECK(file.size() > 3);
    CHECK(file.substr(file.size() - 3) == ".go");
    CHECK(t->line_at(*f, f->entry) > 0);
    CHECK(t->sp_delta(*f, f->entry) == 0);  // nothing pushed yet at the first instruction
  }
  std::optional<GoFunc> m = find_named(*t, "main.openTwo");
  REQUIRE(m);
  CHECK(t->file_at(*m, m->entry).find("stackchain/main.go") != std::string::npos);
  CHECK_FALSE(t->func_at(t->text_start() - 1));
  CHECK_FALSE(t->func_at(t->text_end()));
}

TEST_CASE("degraded pclntab input: a problem or no names, never a crash", "[stack][pclntab]") {
  std::string problem;
  SECTION("wrong magic") {
    const uint8_t bytes[16] = {0xfb, 0xff, 0xff, 0xff, 0, 0, 1, 8};  // Go 1.2's table
    CHECK_FALSE(Pclntab::parse(bytes, sizeof bytes, problem));
    CHECK(problem == "unsupported pclntab version (magic 0xfffffffb)");
  }
  SECTION("too short") {
    const uint8_t bytes[4] = {0xf0, 0xff, 0xff, 0xff};
    CHECK_FALSE(Pclntab::parse(bytes, sizeof bytes, problem));
    CHECK(problem == "pclntab too short");
  }
  SECTION("header offsets outside the table") {
    uint8_t bytes[80] = {0xf0, 0xff, 0xff, 0xff, 0, 0, 1, 8};
    bytes[8] = 200;  // nfunc
    CHECK_FALSE(Pclntab::parse(bytes, sizeof bytes, problem));
    CHECK(problem.find("corrupt pclntab header") == 0);
  }
  SECTION("garbage") {
    std::mt19937 rng(7);
    std::vector<uint8_t> junk(1 << 16);
    for (uint8_t& b : junk) b = static_cast<uint8_t>(rng());
    CHECK_FALSE(Pclntab::find(junk.data(), junk.size()));
    std::memcpy(junk.data(), "\xf0\xff\xff\xff\x00\x00\x01\x08", 8);  // a right magic, then noise
    if (std::optional<Pclntab> t = Pclntab::parse(junk.data(), junk.size(), problem))
      for (uint64_t pc = t->text_start(); pc < t->text_start() + 4096; pc += 7)
        if (auto f = t->func_at(pc)) (void)t->file_at(*f, pc), (void)t->line_at(*f, pc), (void)t->sp_delta(*f, pc);
    SUCCEED("no crash");
  }
  SECTION("not an ELF file") {
    gotrace::test::TempDir dir;
    std::string path = dir.file("x");
    gotrace::test::write_file(path, "#!/bin/sh\necho hi\n");
    ElfImage elf(path);
    CHECK_FALSE(elf.ok());
    CHECK(elf.problem() == "not an ELF file");
    ElfImage missing(dir.file("missing"));
    CHECK(missing.problem().find("cannot open") == 0);
  }
  if (std::strlen(kGoBinary) == 0) return;
  ElfImage elf(kGoBinary);
  REQUIRE(elf.ok());
  std::optional<ElfSection> sec = elf.section(".gopclntab");
  REQUIRE(sec);
  SECTION("a real table cut short: lookups fail quietly") {
    for (std::size_t len : {std::size_t{8}, std::size_t{72}, std::size_t{4096}, sec->size / 2, sec->size - 1}) {
      INFO(len);
      std::optional<Pclntab> t = Pclntab::parse(elf.data() + sec->offset, len, problem);
      if (!t) continue;
      for (uint64_t pc = t->text_start(); pc < t->text_end(); pc += (t->text_end() - t->text_start()) / 997 + 1)
        if (auto f = t->func_at(pc)) (void)t->file_at(*f, pc), (void)t->line_at(*f, pc), (void)t->sp_delta(*f, pc);
    }
    SUCCEED("no crash");
  }
  SECTION("a real table with its body scrambled") {
    std::vector<uint8_t> copy(elf.data() + sec->offset, elf.data() + sec->offset + sec->size);
    std::mt19937 rng(11);
    for (std::size_t i = 100; i < copy.size(); i += 37) copy[i] = static_cast<uint8_t>(rng());
    std::optional<Pclntab> t = Pclntab::parse(copy.data(), copy.size(), problem);
    if (t)
      for (uint64_t pc = t->text_start(); pc < t->text_end(); pc += (t->text_end() - t->text_start()) / 997 + 1)
        if (auto f = t->func_at(pc)) (void)t->file_at(*f, pc), (void)t->line_at(*f, pc), (void)t->sp_delta(*f, pc);
    SUCCEED("no crash");
  }
}
