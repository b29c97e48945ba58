# Go symbol tables against Go's own reader: every name and file:line gotrace gives a Go pc
# must be the one `go tool addr2line` (debug/gosym) of the same toolchain gives.
#  (a) 1000 pcs spread over the text of the stripped stackchain built by the Go under test
#      (gosym_dump: gotrace's reader, the pcs as addr2line is asked them);
#  (b) every frame of `gotrace -k -e trace=openat,getrandom` on it, live (the physical
#      function of each return address, the innermost file:line);
#  (c) the same for real stripped binaries from the npm registry (scripts/install-npm-bins.sh):
#      esbuild 0.28.2 (go1.26.5, no build info) and buf 1.75.0 (go1.27.3), when installed and
#      when a Go of their release is in the module cache (install-npm-bins.sh fetched
#      go1.27.3; the test itself stays offline);
#      -k on them names the runtime's first openat (hpage_pmd_size) from runtime.osinit;
#  (d) a binary whose table fails its check (runtime.goexit's call moved): addresses only,
#      and one note.
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || skip "go not installed"
: "${GOSYM_DUMP:?GOSYM_DUMP must point at test/gosym_dump}"
NPM_DIR=${GOTRACE_NPM_DIR:-/var/tmp/gotrace-npm}

# agree GO BINARY N: gosym_dump's answers for N sampled pcs equal GO's addr2line's.
agree() {
  local go=$1 bin=$2 n=$3
  "$GOSYM_DUMP" "$bin" "sample:$n" >"$WORK/dump" || { cat "$WORK/dump"; fail "gosym_dump $bin"; }
  note "$(basename "$bin"): $(head -1 "$WORK/dump")"
  grep -q ' inline yes$' "$WORK/dump" || fail "$bin: inline trees not found"
  grep '^0x' "$WORK/dump" | cut -f1 >"$WORK/pcs"
  GOPROXY=off GOTOOLCHAIN=${4:-local} "$go" tool addr2line "$bin" <"$WORK/pcs" | paste - - >"$WORK/a2l"
  grep '^0x' "$WORK/dump" | cut -f2,3 | paste "$WORK/pcs" - "$WORK/a2l" | awk -F'\t' -v bin="$bin" '
    { a = $5; if (a == ":-1" || a == "?:0") a = "?:0"   # no line: past the function end (padding)
      if ($2 != $4 || $3 != a) { bad++; if (bad <= 5) print "  differs at " $1 ": gotrace " $2 " " $3 ", addr2line " $4 " " $5 }
      else ok++ }
    END { print "  " ok+0 " of " NR " pcs agree"; exit bad > 0 }' || fail "$bin: names differ from addr2line"
}

# live_agree GO BINARY OUT: every frame in BINARY of the -k trace OUT, checked by GO's addr2line.
live_agree() {
  local go=$1 bin=$2 out=$3
  python3 - "$bin" "$out" >"$WORK/frames" <<'PY'
import re, struct, sys
binary, out = sys.argv[1], sys.argv[2]
data = open(binary, 'rb').read(1 << 16)
phoff, = struct.unpack_from('<Q', data, 0x20); phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
segs = []
for i in range(phnum):
    p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
    if p_type == 1: segs.append((p_offset, p_vaddr, p_filesz))
frame = re.compile(r'^ > (\S+)\((.+)\+0x[0-9a-f]+\) \[0x([0-9a-f]+)\] (\S+)$')
groups, first = [], True   # frames under one syscall line; same-address runs are inline groups
for line in open(out):
    if not line.startswith(' > '):
        first = True; continue
    m = frame.match(line.rstrip('\n'))
    if not m or m.group(1) != binary:
        first = False; continue
    rel = int(m.group(3), 16)
    va = next((v + rel - o for o, v, n in segs if o <= rel < o + n), None)
    if va is None: continue
    if groups and groups[-1][0] == rel and not first:
        groups[-1][2] = m.group(2)             # the last frame at an address is the physical one
    else:
        groups.append([rel, va if first else va - 1, m.group(2), m.group(4)])  # lookup as gotrace does
    first = False
for rel, pc, name, fileline in groups:
    print('%#x\t%s\t%s' % (pc, name, fileline))
PY
  [ -s "$WORK/frames" ] || { head -20 "$out"; fail "$bin: no frames in $out"; }
  cut -f1 "$WORK/frames" | GOPROXY=off GOTOOLCHAIN=${4:-local} "$go" tool addr2line "$bin" | paste - - >"$WORK/a2l"
  paste "$WORK/frames" "$WORK/a2l" | awk -F'\t' -v bin="$(basename "$bin")" '
    { if ($2 != $4 || $3 != $5) { bad++; print "  differs at " $1 ": gotrace " $2 " " $3 ", addr2line " $4 " " $5 } else ok++ }
    END { print "  " bin ": " ok+0 " of " NR " live frames agree"; exit bad > 0 }' || fail "$bin: live frames differ from addr2line"
}

# (a), (b): the Go under test.
note "Go under test: $(go version)"
agree go "$PROGS/stackchain" 1000
"$GOTRACE" -k -e trace=openat,getrandom -o "$WORK/live.out" -- "$PROGS/stackchain" open >/dev/null
"$GOTRACE" -k -e trace=openat,getrandom -o "$WORK/live-rand.out" -- "$PROGS/stackchain" rand >/dev/null
cat "$WORK/live-rand.out" >>"$WORK/live.out"
live_agree go "$PROGS/stackchain" "$WORK/live.out"
grep -q '(main.openTwo+' "$WORK/live.out" || fail "(b) no main.openTwo frame"

# (c) real binaries from the npm registry, built by other Gos.
esbuild=$NPM_DIR/node_modules/@esbuild/linux-x64/bin/esbuild
buf=$NPM_DIR/node_modules/@bufbuild/buf-linux-x64/bin/buf
if [ ! -x "$esbuild" ] || [ ! -x "$buf" ]; then
  note "(c) skipped: npm binaries not installed in $NPM_DIR (scripts/install-npm-bins.sh)"
elif [ "${GO_LABEL:-}" = go1.19 ]; then
  note "(c) run with the Go >= 1.21 variant of this test (needs GOTOOLCHAIN to fetch go1.27.3)"
else
  # esbuild carries no build info; it was built by go1.26.5, whose tables go1.26's addr2line reads.
  case "$(go env GOVERSION)" in
    go1.26*) agree go "$esbuild" 2000 ;;
    *) note "(c) esbuild needs a go1.26 addr2line; this is $(go env GOVERSION)" ;;
  esac
  "$GOTRACE" -k -e trace=openat -o "$WORK/esbuild.out" -- "$esbuild" --version >/dev/null
  f=$(awk '/hpage_pmd_size/{f=1; next} f && /^ > /{print; next} f{exit}' "$WORK/esbuild.out")
  note "(c) esbuild's first openat:"; sed 's/^/#  /' <<<"$f"
  grep -q "(runtime.osinit+" <<<"$f" || fail "(c) esbuild: the runtime's first openat is not under runtime.osinit"
  ! grep -q '??' "$WORK/esbuild.out" || fail "(c) esbuild: unnamed frames"
  case "$(go env GOVERSION)" in go1.26*) live_agree go "$esbuild" "$WORK/esbuild.out" ;; esac
  # Offline: scripts/install-npm-bins.sh put go1.27.3 in the module cache.
  if GOTOOLCHAIN=go1.27.3 GOPROXY=off GOFLAGS= go version >"$WORK/go127" 2>&1; then
    agree go "$buf" 2000 go1.27.3
    "$GOTRACE" -k -e trace=openat -o "$WORK/buf.out" -- "$buf" --version >/dev/null
    grep -A6 hpage_pmd_size "$WORK/buf.out" | grep -q "(runtime.osinit+" || fail "(c) buf: first openat not under runtime.osinit"
    live_agree go "$buf" "$WORK/buf.out" go1.27.3
  else
    note "(c) buf skipped: go1.27.3 not available: $(tail -1 "$WORK/go127")"
  fi
fi

# (d) a table that fails its check: addresses and one note, never a wrong name.
cp "$PROGS/stackchain" "$WORK/bad"
goexit=$("$GOSYM_DUMP" "$PROGS/stackchain" entry:runtime.goexit | awk -F'\t' '$1 == "entry" {print $3}')
[ -n "$goexit" ] || fail "(d) runtime.goexit not found"
python3 - "$WORK/bad" "$goexit" <<'PY'
import struct, sys
path, goexit = sys.argv[1], int(sys.argv[2], 16)
b = bytearray(open(path, 'rb').read())
phoff, = struct.unpack_from('<Q', b, 0x20); phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
for i in range(phnum):
    p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from('<IIQQQQ', b, phoff + i * phentsize)
    if p_type == 1 and p_vaddr <= goexit < p_vaddr + p_filesz:
        at = p_offset + goexit - p_vaddr
assert b[at] == 0x90 and b[at + 1] == 0xe8, "runtime.goexit is not NOP; CALL"
rel, = struct.unpack_from('<i', b, at + 2)
struct.pack_into('<i', b, at + 2, rel + 64)  # its call now goes 64 bytes past runtime.goexit1
open(path, 'wb').write(b)
PY
"$GOSYM_DUMP" "$WORK/bad" >"$WORK/bad.dump" && fail "(d) the altered table was used: $(head -1 "$WORK/bad.dump")"
note "(d) $(cat "$WORK/bad.dump")"
"$GOTRACE" -k -e trace=openat -o "$WORK/bad.out" -- "$WORK/bad" open >/dev/null
grep -q 'gotrace-stackchain' "$WORK/bad.out" || fail "(d) no openat traced"
! grep -qE '^ > .*/bad\([a-z]' "$WORK/bad.out" || { head "$WORK/bad.out"; fail "(d) a name from a table that failed its check"; }
grep -q "Go symbol table (go1.* not used: runtime.goexit's code" "$WORK/bad.out" || { head "$WORK/bad.out"; fail "(d) no note"; }
note "(d) $(grep -m1 -A3 gotrace-stackchain "$WORK/bad.out")"
echo "ok"
