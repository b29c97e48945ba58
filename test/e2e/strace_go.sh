# strace import on real Go logs: `strace -f -tt -T -yy -C -o LOG` of a real `go mod download`
# (HTTP, from the project's offline proxy on 127.0.0.1) and of a clean `go build` of the
# sample (many child processes; threads killed by exit_group mid-call show "= ?" lines,
# which strace does not count: they never return; a call that reached its exit as its
# process died shows "= ? <unavailable>", which strace counts).
# `gotrace replay --from-strace LOG -c` must report, per syscall, the same calls and errors
# as the -C table strace appended to that same LOG.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
command -v strace >/dev/null || skip "strace not installed"
go_setup
start_serve

# table FILE: "syscall calls errors" rows of the strace -c style table in FILE, sorted.
# (Up to the total row: gotrace prints its errors line below it.)
table() {
  sed -n '/^% time/,$p' "$1" |
    awk 'NR > 2 && $1 !~ /^-/ && NF >= 5 { print $NF, $4, (NF == 6 ? $5 : 0) } $NF == "total" { exit }' | sort
}

# same_counts NAME: LOG is $T/NAME.log; fails unless the import's table equals strace's.
same_counts() {
  local log=$T/$1.log rows
  "$GOTRACE" replay --from-strace "$log" -c -o "$WORK/$1.imported" 2>"$WORK/$1.err" ||
    { cat "$WORK/$1.err"; fail "$1: gotrace replay --from-strace failed"; }
  table "$log" >"$WORK/$1.strace-table"
  table "$WORK/$1.imported" >"$WORK/$1.gotrace-table"
  rows=$(wc -l <"$WORK/$1.strace-table")
  [ "$rows" -ge 20 ] || { cat "$log" | tail -40; fail "$1: strace's -C table has only $rows rows"; }
  # Calls must be equal. Errors too, but for calls strace could not read the result of
  # ("= ? <unavailable>": the thread died in them): strace counts those with the error its
  # thread's previous call left behind (a stale tcp->u_error), which the import follows per
  # thread but cannot always see (1 error apart in 2 of some 20 go build logs): such a row
  # may be off by at most its number of unavailable lines, and this is said.
  if ! diff "$WORK/$1.strace-table" "$WORK/$1.gotrace-table" >"$WORK/$1.diff"; then
    grep -E '= \? <unavailable>$' "$log" | sed -E 's/^[0-9]+ +[0-9:.]+ +(<\.\.\. )?([a-z0-9_]+).*/\2/' |
      sort | uniq -c >"$WORK/$1.unavailable" || true
    awk 'FILENAME == ARGV[1] { u[$2] = $1; all += $1; next }
         FILENAME == ARGV[2] { c[$1] = $2; e[$1] = $3; next }
         { d = $3 - e[$1]; if (d < 0) d = -d; lim = ($1 == "total") ? all : u[$1]
           if (c[$1] != $2 || d > lim + 0) { print "  " $1 ": strace " c[$1] " calls " e[$1] " errors, import " $2 " calls " $3 " errors"; bad = 1 }
           else if (d > 0) print "  " $1 ": errors " e[$1] " vs " $3 ", within its " lim " unavailable result(s)" }
         END { exit bad }' "$WORK/$1.unavailable" "$WORK/$1.strace-table" "$WORK/$1.gotrace-table" >"$WORK/$1.why" ||
      { cat "$WORK/$1.diff" "$WORK/$1.why"; fail "$1: imported counts differ from strace's own table"; }
    note "$1: $(tr '\n' ';' <"$WORK/$1.why")"
  fi
  note "$1: $(wc -l <"$log") log lines, $rows rows (calls and errors) equal strace -C;" \
    "total $(awk '$1 == "total" { print $2, "calls,", $3, "errors" }' "$WORK/$1.gotrace-table");" \
    "$(grep -cE '= \?$' "$log" || true) '= ?' lines (not counted), $(grep -cE '= \? <unavailable>$' "$log" || true) '= ? <unavailable>' (counted)"
}

# strace_log NAME COMMAND...: strace -f of COMMAND (in the sample) into $T/NAME.log. strace
# itself sometimes gives up with "ptrace(PTRACE_LISTEN,...): Input/output error" (a stop it
# took for a group-stop; exit 1, the command killed): that run is strace's failure, not the
# command's or gotrace's, and is made once more.
strace_log() {
  local name=$1 try
  shift
  for try in 1 2; do
    (cd "$SAMPLE" && strace -f -tt -T -yy -C -o "$T/$name.log" "$@") >"$WORK/$name.out" 2>&1 && return 0
    grep -q '^strace: ptrace(PTRACE_LISTEN' "$WORK/$name.out" || break
    note "$name: strace gave up ($(grep -m1 '^strace: ptrace' "$WORK/$name.out")); once more"
  done
  cat "$WORK/$name.out"
  fail "strace -- $*"
}

GOPROXY=http://$ADDR strace_log download go mod download
[ "$(find "$T/mod/cache/download" -name '*.zip' | wc -l)" -ge 15 ] || fail "the download did not complete"
grep -q 'connect(.*htons('"$PORT"')' "$T/download.log" || fail "no connect to the proxy in the log"
same_counts download

GOPROXY=off strace_log build go build -o "$T/sample" .
"$T/sample" selftest >/dev/null || fail "the binary built under strace does not run"
same_counts build
rm -f "$T"/*.log
echo "ok"
