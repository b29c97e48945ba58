# A slow module proxy: `go mod download` of the sample module from the project's proxy
# server on 127.0.0.1, which holds its response to one module's .zip (-stall-path, -stall).
#  1. held 8 s, default (light) mode: the request went out on a kept-alive connection
#     unseen; once the download is stuck the stall report names "no response" from the
#     module proxy (GOPROXY entry 1 of 1) by the kernel's TCP facts, and what cmd/go is
#     fetching by the module cache files it holds open; the download then completes (exit
#     0) and `go mod verify` passes.
#  2. held 12 s, --thorough (every socket read and write seen), for CI: --report=json
#     --report-file and --fail-on=error: the command succeeds but gotrace exits 3, the JSON
#     is valid and its first finding is the slow response after the `GET /...zip`, the
#     same as the text report (replayed from a --record of the same run).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup
cobra=$(awk '$1 == "github.com/spf13/cobra" { print $2 }' "$OUT/modules.txt")
[ -n "$cobra" ] || fail "github.com/spf13/cobra is not in the offline proxy"
zip="/github.com/spf13/cobra/@v/$cobra.zip"

# 1. an 8 s stall
start_serve -stall-path "$zip" -stall 8s -log
rc=0
(cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod1 \
  "$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" -- go mod download) \
  >"$WORK/stdout" 2>&1 || rc=$?
assert_eq 0 "$rc" "go mod download exit status under gotrace after an 8 s stall"
grep -q "$zip -> stalling" "$T/serve.log" || fail "the proxy did not stall $zip: $(cat "$T/serve.log")"
(cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod1 go mod verify) >"$WORK/verify" 2>&1 ||
  { cat "$WORK/verify"; fail "go mod verify after the download"; }
who="module proxy 127\\.0\\.0\\.1:$PORT \\(GOPROXY entry 1 of 1\\)"
line=$(first_stall "$WORK/g.out")
[ -n "$line" ] || { cat "$WORK/g.out"; fail "no stall report while the proxy held the .zip"; }
note "stall: $line"
expect "$line" "go mod download is stuck: no response for [0-9.]+ s from $who while fetching github\\.com/spf13/cobra@${cobra//./\\.} \\(\\.zip\\); cmd/go sets no response timeout" "stall report"
expect_file "$WORK/g.out" "evidence: fd [0-9]+ TCP -> 127\\.0\\.0\\.1:$PORT: last data sent [0-9.]+ s ago \\([0-9]+ bytes in all[^)]*\\), nothing received since \\(kernel TCP info\\)" "stall evidence"
show_report "$WORK/g.out" 3
# An 8 s answer is below the 10 s at which a finished wait is reported on its own: the
# final report says where the run's time went (issue 16.1), and never that it is stuck.
line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" "^gotrace: go mod download took [0-9.]+ s: [78]\\.[0-9] s waiting for $who to start answering \\(1 request, for github\\.com/spf13/cobra@${cobra//./\\.} \\(\\.zip\\)\\)" "final report after the stall ended"

# 2. a 12 s stall, JSON report and --fail-on=error
kill "$(jobs -p)" 2>/dev/null || true
rm -f "$T/addr"
start_serve -stall-path "$zip" -stall 12s -log
rc=0
(cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod2 \
  "$GOTRACE" --thorough --stall 2 --report=json --report-file "$WORK/r.json" --fail-on=error --record "$WORK/r.gtr" \
  -o "$WORK/j.out" -- go mod download) >"$WORK/stdout2" 2>&1 || rc=$?
assert_eq 3 "$rc" "gotrace --fail-on=error exit status (the download itself succeeded)"
who="module proxy 127\\.0\\.0\\.1:$PORT \\(GOPROXY entry 1 of 1\\)"
[ "$(find "$T/mod2/cache/download" -name '*.zip' | wc -l)" -ge 15 ] || fail "the download did not complete"
(cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod2 go mod verify) >"$WORK/verify" 2>&1 ||
  { cat "$WORK/verify"; fail "go mod verify after the second download"; }
python3 -m json.tool "$WORK/r.json" >/dev/null || { cat "$WORK/r.json"; fail "--report=json wrote invalid JSON"; }
read -r severity kind verdict < <(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["findings"][0]
print(f["severity"], f["kind"], f["verdict"])' "$WORK/r.json")
note "json: findings[0]: $severity $kind: $verdict"
assert_eq error "$severity" "severity of the first JSON finding"
assert_eq http_slow_response "$kind" "kind of the first JSON finding"
expect "$verdict" "^go mod download: waited 1[2-9]\\.[0-9] s for a response from $who after \`GET ${zip//./\\.}\`\$" "JSON verdict"
# The text report of the same run, replayed from its recording.
"$GOTRACE" replay --report-file "$WORK/r.txt" -o "$WORK/replay.out" "$WORK/r.gtr" || true
line=$(final_first "$WORK/r.txt")
note "final (replayed text): $line"
assert_eq "gotrace: $verdict" "$line" "first line of the text report vs the JSON's first finding"
note "elapsed $(elapsed)"
echo "ok"
