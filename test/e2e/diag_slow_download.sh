# A download made slow by many waits, none long enough for a finding of its own: the
# project's proxy server holds each request for one module (.mod, .info, .zip) 4 s, then
# sends its .zip at 500 bytes/s (-stall-path, -stall, -rate). `go mod download` takes about
# 19 s instead of 1 s and succeeds. The final report's first line says where the time went,
# largest first: 3 requests of about 4 s each waiting for the module proxy, named by its
# GOPROXY role, then the slow .zip with its bytes and rate (issue 16.1). No stall report
# claims it stuck (default --stall: the .zip arrives steadily).
#  1. default (light) mode, wrapped;
#  2. --full, wrapped, recorded; the recording replayed gives the same first line;
#  3. attached (`-p`) while the first request is held: the same account from the attach on;
#  4. attached as it starts: the sockets it opens during the attach are known.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup
version=$(awk '$1 == "github.com/inconshreveable/mousetrap" { print $2 }' "$OUT/modules.txt")
[ -n "$version" ] || fail "github.com/inconshreveable/mousetrap is not in the offline proxy"
start_serve -stall-path /github.com/inconshreveable/mousetrap/@v/ -stall 4s -rate 500 -log
who="module proxy 127\\.0\\.0\\.1:$PORT \\(GOPROXY entry 1 of 1\\)"
zip="github\\.com/inconshreveable/mousetrap@${version//./\\.} \\(\\.zip\\)"
# The wait of the .zip ends unseen in light mode and attached: a snapshot at each 1 s tick
# bounds it, so up to a second of it may be counted as receiving instead.
slow="go mod download took [0-9.]+ s: 1[0-2]\\.[0-9] s waiting for $who to start answering \\(3 requests, [34]\\.[0-9] s each\\), [5-8]\\.[0-9] s receiving [0-9]+ bytes of $zip from it \\([0-9]+ B/s\\)"

held=0  # requests held and answered so far
download() {  # NAME GOTRACE-OPTIONS...: a fresh module cache, checked after
  local name=$1 rc=0
  shift
  rm -rf "$T/mod-$name"
  (cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod-$name \
    "$GOTRACE" -o "$WORK/$name.out" --report-file "$WORK/$name.rep" "$@" -- go mod download) || rc=$?
  assert_eq 0 "$rc" "$name: go mod download exit status"
  (cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod-$name go mod verify) >"$WORK/verify" 2>&1 ||
    { cat "$WORK/verify"; fail "$name: go mod verify after the download"; }
  held=$((held + 3))
  [ "$(grep -c 'mousetrap/@v/.* -> 200 .*(stalled' "$T/serve.log")" = "$held" ] ||
    { cat "$T/serve.log"; fail "$name: the proxy did not hold and answer mousetrap's 3 requests"; }
  show_report "$WORK/$name.rep" 6
  if grep -q "$STALL_RE" "$WORK/$name.out"; then show_report "$WORK/$name.out"; fail "$name: a stall report"; fi
}

# 1. light mode
download light
expect "$(final_first "$WORK/light.rep")" "^gotrace: $slow\$" "light: verdict"
expect_file "$WORK/light.rep" "^  time: [0-9.]+ s in all; network [0-9.]+ s; child processes none" "light: where the time went"

# 2. --full, recorded and replayed
download full --full --record "$WORK/full.gtr"
line=$(final_first "$WORK/full.rep")
expect "$line" "^gotrace: $slow\$" "--full: verdict"
"$GOTRACE" replay --report-file "$WORK/replay.rep" -o /dev/null "$WORK/full.gtr"
assert_eq "$line" "$(final_first "$WORK/replay.rep")" "the replayed verdict"

# 3. attached while the .mod request is held: the run counts from the attach
rm -rf "$T/mod-attach"
(cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod-attach exec go mod download) >"$WORK/go.out" 2>&1 &
gopid=$!
track $gopid
# (serve.log holds parts 1 and 2 too: wait for this download's own held request)
before=$(grep -c "mousetrap/@v/$version.mod -> stalling" "$T/serve.log")
for _ in $(seq 200); do
  [ "$(grep -c "mousetrap/@v/$version.mod -> stalling" "$T/serve.log")" -gt "$before" ] && break
  sleep 0.1
done
"$GOTRACE" -p $gopid -o "$WORK/attach.out" --report-file "$WORK/attach.rep" || true
rc=0; wait $gopid || rc=$?
assert_eq 0 "$rc" "attach: go mod download exit status"
show_report "$WORK/attach.rep" 4
attached="go mod download took [0-9.]+ s: ([7-9]|1[0-2])\\.[0-9] s waiting for $who to start answering \\(3 requests, [234]\\.[0-9] s each\\), [5-8]\\.[0-9] s receiving [0-9]+ bytes of $zip from it \\([0-9]+ B/s\\)"
expect "$(final_first "$WORK/attach.rep")" "^gotrace: $attached\$" "attach: verdict"

# 4. attached right as it starts, before its first connection: the sockets it opens while
# gotrace seizes its threads are known too (before the fds were read again after the seize,
# they were not, and the report said "no problem found").
rm -rf "$T/mod-attach"
(cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod-attach exec go mod download) >"$WORK/go2.out" 2>&1 &
gopid=$!
track $gopid
"$GOTRACE" -p $gopid -o "$WORK/early.out" --report-file "$WORK/early.rep" || true
rc=0; wait $gopid || rc=$?
assert_eq 0 "$rc" "early attach: go mod download exit status"
show_report "$WORK/early.rep" 4
expect "$(final_first "$WORK/early.rep")" "^gotrace: $slow\$" "early attach: verdict"
note "elapsed $(elapsed)"
echo "ok"
