# A go command waiting for another one's module cache lock (issue 16.3): two `go mod
# download`s of the sample module share one GOMODCACHE; the project's proxy server holds
# cobra's .zip 8 s, so the first one (not traced) holds cobra's VERSION.lock meanwhile and
# the second blocks in flock(fd, LOCK_EX) on it. Under gotrace --stall 2 the stall report
# names the module cache lock, the holder's pid and what it is doing (/proc/locks), and
# the final report the wait it was; both downloads succeed. Light mode (the flock runs
# unseen: known from /proc) and --full (seen). flock decoded as strace does.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup
cobra=$(awk '$1 == "github.com/spf13/cobra" { print $2 }' "$OUT/modules.txt")
[ -n "$cobra" ] || fail "github.com/spf13/cobra is not in the offline proxy"
start_serve -stall-path "/github.com/spf13/cobra/@v/$cobra.zip" -stall 8s -log
cobra_re="github\\.com/spf13/cobra@${cobra//./\\.}"

two_downloads() {  # NAME GOTRACE-OPTIONS...
  local name=$1 rc=0 first held
  shift
  held=$(grep -c 'cobra/@v/.*zip -> stalling' "$T/serve.log" || true)
  (cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod-$name exec go mod download) >"$WORK/first-$name" 2>&1 &
  first=$!
  track $first
  for _ in $(seq 200); do
    [ "$(grep -c 'cobra/@v/.*zip -> stalling' "$T/serve.log")" -gt "$held" ] && break
    sleep 0.1
  done
  (cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod-$name \
    "$GOTRACE" --stall 2 -o "$WORK/$name.out" --report-file "$WORK/$name.rep" "$@" -- go mod download) || rc=$?
  assert_eq 0 "$rc" "$name: the second go mod download's exit status"
  rc=0; wait $first || rc=$?
  assert_eq 0 "$rc" "$name: the first go mod download's exit status"
  show_report "$WORK/$name.rep" 4
  local line
  line=$(first_stall "$WORK/$name.out")
  note "$name stall: $line"
  expect "$line" "go mod download is waiting [0-9.]+ s for the module cache lock of $cobra_re: another go command, pid $first \\(go mod download, (in [a-z0-9_]+|running)\\), holds it while it downloads that module into the same GOMODCACHE\$" "$name: stall report"
  expect_file "$WORK/$name.out" "evidence: tid [0-9]+: flock\\([0-9]+, LOCK_EX\\) for [0-9.]+ s" "$name: the flock in the evidence"
  expect_file "$WORK/$name.out" "/proc/locks: FLOCK WRITE lock held by pid $first " "$name: the holder from /proc/locks"
  expect "$(final_first "$WORK/$name.rep")" "^gotrace: go mod download waited [0-9.]+ s for the module cache lock of $cobra_re: another go command, pid $first .*, held it while it downloaded" "$name: final report"
}

two_downloads light
two_downloads full --full
# flock(1) of util-linux opens the file and calls flock(2): the line as strace prints it.
"$GOTRACE" --full --trace -e trace=flock -o "$WORK/flock1.out" -- flock -x "$T/lockfile" true ||
  fail "flock -x under gotrace"
grep -qE '^([0-9]+ +)?flock\([0-9]+, LOCK_EX\) += 0$' "$WORK/flock1.out" ||
  { cat "$WORK/flock1.out"; fail "flock(1)'s call not decoded as strace does"; }

# fcntl(F_SETLKW) (POSIX record locks; Python's fcntl.lockf): a holder keeps the lock 5 s, the
# traced waiter blocks on it; light mode knows the wait from /proc, --full sees and decodes it.
PY=/usr/bin/python3
for mode in light --full; do
  rm -f "$T/posix.lock" "$T/posix.ready"
  $PY -c 'import fcntl, os, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(5)' \
    "$T/posix.lock" "$T/posix.ready" &
  holder=$!
  track $holder
  wait_file_exists() { for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done; fail "no $1"; }
  wait_file_exists "$T/posix.ready"
  opts=(--stall 2); [ "$mode" = light ] || opts+=(--full --trace -e trace=fcntl)
  "$GOTRACE" "${opts[@]}" -o "$WORK/posix-$mode.out" -- $PY -c 'import fcntl, sys
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX)' "$T/posix.lock" || fail "$mode: the waiter's exit status"
  wait $holder || true
  line=$(first_stall "$WORK/posix-$mode.out")
  note "posix $mode: $line"
  expect "$line" "is waiting [0-9.]+ s for a lock on ${T//./\\.}/posix\\.lock, held by pid $holder \\(python3 " "fcntl F_SETLKW $mode: stall report"
  expect_file "$WORK/posix-$mode.out" "/proc/locks: POSIX WRITE lock held by pid $holder " "fcntl F_SETLKW $mode: the holder"
done
grep -qE '^([0-9]+ +)?fcntl\([0-9]+, F_SETLKW, \{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0\}\) += 0$' "$WORK/posix---full.out" ||
  { grep fcntl "$WORK/posix---full.out"; fail "F_SETLKW not decoded as strace does"; }
note "elapsed $(elapsed)"
echo "ok"
