# Call stacks (-k, and the stacks behind findings), on real programs:
#  (a) a C program: main -> level_one -> level_two -> openat; -k names them in that order
#      (libunwind's ptrace unwinder);
#  (b) a stripped Go program (-ldflags=-s -w): -k names main.openTwo <- main.openOne <-
#      main.main under os.Open's openat, and crypto/rand.Read <- main.randTwo <- main.randOne
#      under getrandom (from the vDSO since Go 1.24), with file:line, from .gopclntab;
#  (c) record + replay prints the same stacks, byte for byte;
#  (d) the `go` under test running `go mod download` under RLIMIT_NOFILE 10: the EMFILE
#      finding's evidence (no -k) names a cmd/go/internal/ function;
#  (e) the stripped Go program's crypto/rand.Read held 2 s by hold_getrandom (a seccomp
#      user-notification supervisor, as in diag_entropy; --full, see there): the entropy
#      finding's evidence names crypto/rand.Read <- main.randTwo.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"

# frames FILE PATTERN: the " > " frame lines under the first syscall line matching PATTERN.
frames() {
  awk -v pat="$2" 'found && /^ > / { print; next } found { exit } $0 ~ pat && !/^ > / { found = 1 }' "$1"
}

# in_order FRAMES NAME...: each NAME appears in a frame line, in this order (innermost first).
in_order() {
  local text=$1 last=0 n name
  shift
  for name in "$@"; do
    n=$(grep -n -F -- "$name" <<<"$text" | head -1 | cut -d: -f1) || true
    [ -n "$n" ] || fail "frame '$name' missing from: $text"
    [ "$n" -gt "$last" ] || fail "frame '$name' out of order (line $n after $last) in: $text"
    last=$n
  done
}

# -k prints a trace: it cannot go with -c (summary only).
rc=0; "$GOTRACE" -c -k true 2>"$WORK/usage.err" || rc=$?
assert_eq 2 "$rc" "exit status of -c -k"
grep -q "cannot be combined with --trace, -C or -k" "$WORK/usage.err" || fail "-c -k: $(cat "$WORK/usage.err")"

# (a) C
"$GOTRACE" -k -e trace=openat -o "$WORK/c.out" -- "$PROGS/call_chain" >"$WORK/c.stdout"
f=$(frames "$WORK/c.out" 'gotrace-call-chain')
[ -n "$f" ] || { cat "$WORK/c.out"; fail "(a) no stack under call_chain's openat"; }
note "(a) C stack:"; sed 's/^/#  /' <<<"$f"
in_order "$f" "/call_chain(level_two+" "/call_chain(level_one+" "/call_chain(main+"
grep -qE '^ > /.*libc\.so\.6\([a-z_0-9]+\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$' <<<"$f" || fail "(a) no libc frame in strace -k format"

# (b) stripped Go: os.Open
file "$PROGS/stackchain" | grep -q stripped || fail "stackchain is not stripped"
"$GOTRACE" -k -e trace=openat -o "$WORK/go-open.out" -- "$PROGS/stackchain" open >"$WORK/go.stdout"
f=$(frames "$WORK/go-open.out" 'gotrace-stackchain')
[ -n "$f" ] || { cat "$WORK/go-open.out"; fail "(b) no stack under os.Open's openat"; }
note "(b) Go os.Open stack:"; sed 's/^/#  /' <<<"$f"
in_order "$f" "(syscall.openat+" "(os.OpenFile+" "(main.openTwo+" "(main.openOne+" "(main.main+" "(runtime.main+"
grep -qE '\(main\.openTwo\+0x[0-9a-f]+\) \[0x[0-9a-f]+\] .*stackchain/main\.go:[0-9]+$' <<<"$f" ||
  fail "(b) main.openTwo has no file:line"

# (b) stripped Go: crypto/rand.Read
"$GOTRACE" -k -e trace=getrandom -o "$WORK/go-rand.out" -- "$PROGS/stackchain" rand >"$WORK/go.stdout"
f=$(frames "$WORK/go-rand.out" 'getrandom[(]')
[ -n "$f" ] || { cat "$WORK/go-rand.out"; fail "(b) no stack under getrandom"; }
note "(b) Go crypto/rand stack:"; sed 's/^/#  /' <<<"$f"
# (Go 1.19 reads through crypto/rand.(*reader).Read; Go >= 1.24 through the vDSO, from
# runtime.vgetrandom1, whose realigned stack the walk crosses.)
in_order "$f" "(crypto/rand.Read+" "(main.randTwo+" "(main.randOne+" "(main.main+" "(runtime.main+"

# (b) the same binary with its section headers removed (e_shoff, e_shnum, e_shstrndx zeroed,
# as some packers leave a binary): .gopclntab is found by scanning for its header.
cp "$PROGS/stackchain" "$WORK/noshdr"
python3 - "$WORK/noshdr" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<Q', b, 0x28, 0)           # e_shoff
struct.pack_into('<HHH', b, 0x3a, 0, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
open(sys.argv[1], 'wb').write(b)
PY
readelf -S "$WORK/noshdr" 2>&1 | grep -q "no sections" || fail "(b) the copy still has section headers"
"$GOTRACE" -k -e trace=openat -o "$WORK/noshdr.out" -- "$WORK/noshdr" open >/dev/null
f=$(frames "$WORK/noshdr.out" 'gotrace-stackchain')
in_order "$f" "(os.OpenFile+" "(main.openTwo+" "(main.openOne+" "(main.main+"

# (c) record + replay: the same text, stacks included
"$GOTRACE" -k -e trace=openat,getrandom --record "$WORK/r.gtr" -o "$WORK/live.out" -- "$PROGS/stackchain" open >/dev/null
"$GOTRACE" replay -k -e trace=openat,getrandom -o "$WORK/replay.out" "$WORK/r.gtr"
grep -q '^ > .*(main.openTwo+' "$WORK/replay.out" || fail "(c) replay shows no stack"
diff "$WORK/live.out" "$WORK/replay.out" >"$WORK/c.diff" || { head -20 "$WORK/c.diff"; fail "(c) replay differs from live"; }
"$GOTRACE" replay --format=jsonl -o "$WORK/r.jsonl" "$WORK/r.gtr"
grep -q '"type":"stack".*"function":"main.openTwo"' "$WORK/r.jsonl" || fail "(c) no stack in jsonl"

# (d) go mod download under RLIMIT_NOFILE 10 (file:// proxy: no server): no -k.
go_setup
rc=0
(cd "$SAMPLE" && GOPROXY="file://$OUT/proxy" "$GOTRACE" --record "$WORK/go.gtr" -o "$WORK/d.out" \
  --report-file "$WORK/d.rep" -- prlimit --nofile=10:10 -- go mod download) >"$WORK/d.stdout" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "(d) go mod download succeeded under RLIMIT_NOFILE 10"
grep -q "too many open files" "$WORK/d.stdout" || { cat "$WORK/d.stdout"; fail "(d) go failed, but not with EMFILE"; }
note "(d) go: $(grep -m1 'too many open files' "$WORK/d.stdout")"
expect "$(final_first "$WORK/d.rep")" 'ran out of file descriptors' "(d) final report"
awk '/call stack/,/more frames|^  try:/' "$WORK/d.rep" | sed -n '1,12s/^/#   /p'
# Files as the toolchain recorded them: under GOROOT (Debian's 1.19), or relative to it
# (the Go project's own builds, made with -trimpath).
src="($(go env GOROOT)/src/)?"
# (Which open hits EMFILE first varies from run to run: os.OpenFile, os.ReadDir...)
expect_file "$WORK/d.rep" '^ +at os\.[^ ]+ \('"$src"'os/[a-z_]+\.go:[0-9]+\)$' "(d) os frame in the evidence"
expect_file "$WORK/d.rep" '^ +at cmd/go/internal/[^ ]+ \('"$src"'cmd/go/internal/.*\.go:[0-9]+\)$' \
  "(d) cmd/go/internal frame in the evidence"
# The replay reports the same finding with the same stack, without the binary.
"$GOTRACE" replay --report-file "$WORK/d-replay.rep" -o /dev/null "$WORK/go.gtr"
diff "$WORK/d.rep" "$WORK/d-replay.rep" >"$WORK/d.diff" || { head -20 "$WORK/d.diff"; fail "(d) replayed report differs"; }

# (e) a blocked getrandom in the stripped Go program: its stack in the entropy finding.
if "$PROGS/hold_getrandom" 1 0 -- "$PROGS/stackchain" rand >"$WORK/e-plain.out" 2>&1; then
  "$GOTRACE" --full -o "$WORK/e.out" --report-file "$WORK/e.rep" -- \
    "$PROGS/hold_getrandom" 1 2 -- "$PROGS/stackchain" rand >"$WORK/e.stdout" 2>&1
  expect "$(final_first "$WORK/e.rep")" 'stackchain rand waited [2-9]\.[0-9] s for the kernel.s random numbers' "(e) final report"
  awk '/call stack/,/more frames|^  try:/' "$WORK/e.rep" | sed -n '1,10s/^/#   /p'
  f=$(grep -E '^ +at ' "$WORK/e.rep")
  in_order "$f" "at crypto/rand.Read (" "at main.randTwo (" "at main.randOne ("
else
  grep -q seccomp "$WORK/e-plain.out" || { cat "$WORK/e-plain.out"; fail "(e) stackchain under hold_getrandom"; }
  note "(e) skipped: seccomp user notification unavailable"
fi
note "elapsed $(elapsed)"
echo "ok"
