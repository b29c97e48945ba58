#!/bin/sh
# Coverage-guided fuzzing of the two parsers of outside input: the .gtr reader
# (ReplaySource) and the strace log importer (StraceLogSource). Builds libFuzzer harnesses
# (test/fuzz/*_fuzz.cpp) with clang and ASan+UBSan from the library sources, runs each for
# FUZZ_SECONDS (default 30), and exits non-zero if any harness crashed, leaked or hung.
#
#   scripts/fuzz.sh               build and run both harnesses
#   scripts/fuzz.sh --make-seeds  rewrite test/fuzz/seeds/replay/*.gtr with RecordWriter
#
# Environment: FUZZ_SECONDS, FUZZ_BUILD_DIR (default build-fuzz). Seeds: test/fuzz/seeds/{replay,strace}/ and the strace
# fixtures in test/data/strace/; new corpus entries go to the build dir, not the seeds.
# Crashes are saved as $FUZZ_BUILD_DIR/artifacts/<harness>-crash-*; reproduce one with
# `$FUZZ_BUILD_DIR/<harness> FILE`.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$out/generated/gotrace" "$out/artifacts"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian 12: clang 14; -fsanitize=fuzzer needs the compiler-rt libraries of
# libclang-rt-14-dev (a dependency of the clang package, checked anyway).
if ! command -v clang++ >/dev/null 2>&1; then
  as_root apt-get install -y clang
fi
probe="$out/probe.cpp"
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe"
if ! clang++ -fsanitize=fuzzer "$probe" -o "$out/probe" >/dev/null 2>&1; then
  as_root apt-get install -y libclang-rt-14-dev
  clang++ -fsanitize=fuzzer "$probe" -o "$out/probe"
fi

version=$(sed -n 's/^project(gotrace VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
sed -e "s/@PROJECT_VERSION@/${version:-0}/" -e "s/@GOTRACE_COMMIT@//" "$root/include/gotrace/version.h.in" >"$out/generated/gotrace/version.h"

lib_sources="$root/tracer/core/syscall_table.cpp $root/tracer/record/record_writer.cpp
  $root/tracer/record/replay_source.cpp $root/tracer/import/strace_import.cpp
  $root/tracer/import/strace_line.cpp $root/tracer/import/strace_args.cpp
  $root/tracer/import/strace_names.cpp"
includes="-I$root/include -I$root/tracer/record -I$root/tracer/import -I$root/test/unit -I$out/generated"

if [ "${1:-}" = "--make-seeds" ]; then
  # shellcheck disable=SC2086
  clang++ -std=c++20 -O1 $includes "$root/test/fuzz/make_replay_seeds.cpp" $lib_sources \
    -lfmt -o "$out/make_replay_seeds"
  "$out/make_replay_seeds" "$root/test/fuzz/seeds/replay"
  ls -l "$root/test/fuzz/seeds/replay"
  exit 0
fi

flags="-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
  -fno-sanitize-recover=undefined"
for h in replay strace; do
  echo "== building ${h}_fuzz"
  # shellcheck disable=SC2086
  clang++ $flags $includes "$root/test/fuzz/${h}_fuzz.cpp" $lib_sources -lfmt -o "$out/${h}_fuzz"
done

status=0
for h in replay strace; do
  corpus="$out/corpus/$h"
  mkdir -p "$corpus"
  seeds="$root/test/fuzz/seeds/$h"
  [ "$h" = strace ] && seeds="$seeds $root/test/data/strace"
  echo "== running ${h}_fuzz for ${seconds}s"
  # -timeout: an input taking 10 s is a hang. The leak checker runs at exit.
  # shellcheck disable=SC2086
  if ! "$out/${h}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/${h}-" "$corpus" $seeds 2>"$out/${h}.log"; then
    echo "!! ${h}_fuzz found a problem:"
    status=1
  fi
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$out/${h}.log" || true
  grep -E "ERROR|SUMMARY|==[0-9]+==|deadly signal|Test unit written" "$out/${h}.log" | head -20 || true
done
rm -rf /dev/shm/gotrace-fuzz-*
exit "$status"
