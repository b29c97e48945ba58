// Go's .gopclntab reader on real stripped Go binaries (test/e2e/progs/go/stackchain, built
// with -ldflags=-s -w by each Go under test) and on degraded input: a truncated table, a wrong magic, garbage and
// a corrupted table give a one-line problem or unnamed addresses, never a crash.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "elf_image.h"
#include "go_binary.h"
#include "pclntab.h"
#include "test_files.h"

using namespace gotrace::stack;

namespace {

#ifdef GOTRACE_TEST_GO_BINARIES
const char* kGoBinaries = GOTRACE_TEST_GO_BINARIES;  // ':'-separated, one per Go under test
#else
const char* kGoBinaries = "";
#endif

std::vector<std::string> go_binaries() {
  std::vector<std::string> out;
  std::string all = kGoBinaries;
  for (std::size_t at = 0; at < all.size();) {
    std::size_t end = all.find(':', at);
    if (end == std::string::npos) end = all.size();
    out.push_back(all.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

// Rewrites 4 bytes of a copy of a file.
void patch32(std::vector<uint8_t>& bytes, uint64_t off, uint32_t v) { std::memcpy(bytes.data() + off, &v, 4); }

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
  if (go_binaries().empty()) {
    WARN("go not installed: no Go binary to read");
    return;
  }
  for (const std::string& binary : go_binaries()) {
    INFO(binary);
    ElfImage elf(binary);
    REQUIRE(elf.ok());
    std::string note;
    std::optional<Pclntab> t = load_go_table(elf, note);
    REQUIRE(t);
    CHECK(note.empty());
    // Go 1.19 writes the 1.18 layout, Go 1.20 to 1.27 the 1.20 one.
    CHECK((std::string(t->version()) == "go1.18" || std::string(t->version()) == "go1.20"));
    CHECK(t->has_gofunc());  // inline trees found through moduledata
    std::optional<ElfSection> text = elf.section(".text");
    REQUIRE(text);
    CHECK(t->text_start() == text->addr);

    // Found by scanning too (what a binary without section headers needs).
    std::optional<ElfSection> sec = elf.section(".gopclntab");
    REQUIRE(sec);
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
}

TEST_CASE("a Go table that fails its check names nothing and says why", "[stack][pclntab]") {
  if (go_binaries().empty()) return;
  gotrace::test::TempDir dir;
  for (const std::string& binary : go_binaries()) {
    INFO(binary);
    ElfImage elf(binary);
    REQUIRE(elf.ok());
    std::string note;
    std::optional<Pclntab> good = load_go_table(elf, note);
    REQUIRE(good);
    std::optional<GoFunc> goexit = find_named(*good, "runtime.goexit");
    REQUIRE(goexit);
    std::vector<uint8_t> bytes(elf.data(), elf.data() + elf.size());
    std::string path = dir.file("bad");
    auto load = [&](const std::vector<uint8_t>& b) {
      gotrace::test::write_file(path, std::string(b.begin(), b.end()));
      ElfImage copy(path);
      REQUIRE(copy.ok());
      note.clear();
      return load_go_table(copy, note);
    };
    std::optional<ElfSection> text = elf.section(".text");
    REQUIRE(text);
    SECTION("runtime.goexit's code changed: its call no longer goes where the table says") {
      uint64_t off = text->offset + (goexit->entry - text->addr);
      REQUIRE(bytes[off] == 0x90);
      REQUIRE(bytes[off + 1] == 0xe8);
      uint32_t rel;
      std::memcpy(&rel, bytes.data() + off + 2, 4);
      patch32(bytes, off + 2, rel + 64);
      CHECK_FALSE(load(bytes));
      CHECK(note.find("not used: runtime.goexit's code does not call runtime.goexit1") != std::string::npos);
    }
    SECTION("every function moved by 0x40: names would all be wrong") {
      // The function table's entry offsets, shifted as a wrong text start would shift them.
      std::optional<ElfSection> sec = elf.section(".gopclntab");
      REQUIRE(sec);
      uint64_t functab = sec->offset + good->functab_offset();
      for (uint64_t i = 0; i <= good->nfunc(); ++i) {
        uint32_t e;
        std::memcpy(&e, bytes.data() + functab + i * 8, 4);
        patch32(bytes, functab + i * 8, e + 0x40);
      }
      CHECK_FALSE(load(bytes));
      CHECK(note.find("Go symbol table (go1.") == 0);
      CHECK(note.find(" not used: ") != std::string::npos);
    }
  }
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
  if (go_binaries().empty()) return;
  ElfImage elf(go_binaries().front());
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
