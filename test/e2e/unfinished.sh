# A call that never returns is not dropped: SIGINT to gotrace after a second kills the
# command (blocked in read on a pipe) and the summary lists the read with ~1 s in flight.
source "$(dirname "$0")/lib.sh"

# bash starts background jobs with SIGINT ignored; give the pair the default disposition,
# as in a terminal where Ctrl-C reaches gotrace.
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$GOTRACE" --thorough -o "$WORK/out.txt" -- "$PROGS/blocked_read" >"$WORK/stdout" &
tracer=$!
track $tracer
wait_for_text "$WORK/stdout" ready
sleep 1
kill -INT $tracer
rc=0; wait $tracer || rc=$?
assert_eq 130 "$rc" "gotrace dies of the command's SIGINT (128+2)"
cat "$WORK/out.txt"
grep -q "% time" "$WORK/out.txt" || fail "no summary after SIGINT"
line=$(grep -E '^ +[0-9]+ +[0-9]+ +[0-9.]+  read\(' "$WORK/out.txt") || fail "blocked read not listed as unfinished"
secs=$(awk '{print $3}' <<<"$line")
awk -v s="$secs" 'BEGIN { exit !(s >= 0.9) }' || fail "read in flight for $secs s, expected about 1 s or more"
grep -q "killed by SIGINT" <<<"$line" || fail "unfinished read does not say how it ended: $line"
echo "ok"
