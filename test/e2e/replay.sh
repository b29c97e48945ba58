# Replay is indistinguishable from live: `gotrace --record f ...` and `gotrace replay f` with
# the same options print the same summary, diagnosis and (with timestamps) the same trace
# text, byte for byte. A strace log of the same program imports to strace's own counts.
source "$(dirname "$0")/lib.sh"

same() {  # same NAME OPTIONS... -- COMMAND...: live (recording) vs replay, byte for byte
  local name=$1; shift
  local opts=() cmd=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  cmd=("$@")
  "$GOTRACE" --record "$WORK/$name.gtr" "${opts[@]}" -o "$WORK/$name.live" -- "${cmd[@]}" >/dev/null || true
  [ -f "$WORK/$name.gtr" ] || fail "$name: no recording (only $(ls "$WORK"))"
  "$GOTRACE" replay "$WORK/$name.gtr" "${opts[@]}" -o "$WORK/$name.replay"
  diff "$WORK/$name.live" "$WORK/$name.replay" >"$WORK/$name.diff" ||
    { head -20 "$WORK/$name.diff"; fail "$name: replay differs from live"; }
  note "$name: $(wc -l <"$WORK/$name.live") lines identical"
}

same counts-c -c -- "$PROGS/counts"
same counts-text -C -tt -T -y -- "$PROGS/counts"
same threads-c -c -S calls -- "$PROGS/threads"
same threads-text --trace -ttt -- "$PROGS/threads"
same signals --trace -e signal=all -- "$PROGS/signals" handlers
same default -- "$PROGS/counts"
[ -x "$PROGS/roundtrip" ] && same go-c -c -- "$PROGS/roundtrip"
[ -x "$PROGS/roundtrip" ] && same go-text --trace -tt -- "$PROGS/roundtrip"

# JSON outputs from a replay load as JSON.
"$GOTRACE" replay "$WORK/counts-c.gtr" --format=chrome -o "$WORK/chrome.json" 2>/dev/null
python3 -m json.tool "$WORK/chrome.json" >/dev/null || fail "chrome output is not JSON"
"$GOTRACE" replay "$WORK/counts-c.gtr" --format=jsonl -o "$WORK/events.jsonl" 2>/dev/null
python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert json.loads(lines[0])["schema_version"] == 1
for l in lines[1:]: json.loads(l)
print(len(lines) - 1, "events")' "$WORK/events.jsonl" || fail "jsonl output is not JSON lines"

# A cut-short recording replays up to its last whole record and says so.
size=$(stat -c %s "$WORK/counts-c.gtr")
head -c $((size - 7)) "$WORK/counts-c.gtr" >"$WORK/cut.gtr"
rc=0; "$GOTRACE" replay "$WORK/cut.gtr" -c -o "$WORK/cut.txt" 2>"$WORK/cut.err" || rc=$?
assert_eq 0 "$rc" "exit status of a truncated replay"
grep -q "cut short" "$WORK/cut.err" || fail "truncation not reported: $(cat "$WORK/cut.err")"
grep -q "total" "$WORK/cut.txt" || fail "no summary from a truncated recording"
# A whole recording whose header says format version 9.
{ printf 'GOTRACE\0\x09\x00'; tail -c +11 "$WORK/counts-c.gtr"; } >"$WORK/newer.gtr"
rc=0; "$GOTRACE" replay "$WORK/newer.gtr" 2>"$WORK/newer.err" || rc=$?
assert_eq 1 "$rc" "exit status for a file of a newer format"
assert_eq 1 "$(wc -l <"$WORK/newer.err")" "lines of error"

# Bad input: one line naming the file (and the offset of a corrupt record), exit 1.
bad() {  # bad NAME REGEX [replay options...]: `gotrace replay` of $WORK/NAME fails as it should
  local name=$1 re=$2 rc=0
  shift 2
  "$GOTRACE" replay "$@" "$WORK/$name" -c -o "$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  assert_eq 1 "$rc" "exit status for $name"
  assert_eq 1 "$(wc -l <"$WORK/$name.err")" "lines of error for $name"
  grep -qE -- "^gotrace: ${WORK//./\\.}/$re" "$WORK/$name.err" || fail "$name: unexpected error: $(cat "$WORK/$name.err")"
  note "$name: $(cat "$WORK/$name.err")"
}
: >"$WORK/empty.gtr"
bad empty.gtr 'empty\.gtr: empty file, not a gotrace recording$'
printf 'not a recording\n' >"$WORK/text.gtr"
bad text.gtr 'text\.gtr: not a gotrace recording \(bad magic\)$'
bad newer.gtr 'newer\.gtr: recording format version 9 is newer than this gotrace reads \(1\); replay it with a newer gotrace$'
# A record in the middle whose payload length is impossible: found at its offset, after
# the records before it were replayed.
python3 - "$WORK/counts-c.gtr" "$WORK/corrupt.gtr" >"$WORK/victim" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
p = 16 + struct.unpack_from("<I", d, 12)[0]
offsets = []
while p + 6 <= len(d):
    offsets.append(p)
    p += 6 + struct.unpack_from("<I", d, p + 2)[0]
victim = offsets[len(offsets) // 2]
struct.pack_into("<I", d, victim + 2, 0xFFFFFFF0)
open(sys.argv[2], "wb").write(d)
print(victim)
PY
bad corrupt.gtr "corrupt\\.gtr: corrupt record at offset $(cat "$WORK/victim"): payload length [0-9]+ exceeds the format's maximum\$"
: >"$WORK/empty.log"
bad empty.log 'empty\.log: empty file, not an strace log$' --from-strace
# An strace log with lines it cannot parse: skipped, counted and named, the rest imported.
printf '%s\n' '1 00:00:01.000000 getpid() = 1 <0.000001>' 'this is not strace' \
  '1 00:00:01.000100 frobnicate(1) = 0' '1 00:00:01.000200 close(3) = -1 EBADF (Bad file descriptor) <0.000001>' \
  '1 00:00:01.000300 +++ exited with 0 +++' >"$WORK/partial.log"
rc=0; "$GOTRACE" replay --from-strace "$WORK/partial.log" -c -o "$WORK/partial.out" 2>"$WORK/partial.err" || rc=$?
assert_eq 0 "$rc" "exit status for an strace log with lines skipped"
assert_eq "gotrace: $WORK/partial.log: skipped 2 of 5 lines it could not parse (lines 2, 3)" "$(cat "$WORK/partial.err")" "warning"
read -r calls errors < <(count "$WORK/partial.out" close)
assert_eq "1 1" "$calls $errors" "close in the summary of the partly parsed log"

# strace import: counts equal strace's own -C table of the same run.
if command -v strace >/dev/null; then
  strace -f -tt -T -yy -C -o "$WORK/strace.log" "$PROGS/counts"
  "$GOTRACE" replay --from-strace "$WORK/strace.log" -c -o "$WORK/imported.txt" 2>"$WORK/import.err"
  table() { sed -n '/^% time/,$p' "$1" | awk 'NR > 2 && $1 !~ /^-/ && $1 != "errors:" && NF >= 5 { print $NF, $4, (NF == 6 ? $5 : 0) }' | sort; }
  diff <(table "$WORK/strace.log") <(table "$WORK/imported.txt") ||
    fail "imported counts differ from strace's own table"
  note "strace import: $(table "$WORK/imported.txt" | wc -l) rows equal strace -C"
fi
echo "ok"
