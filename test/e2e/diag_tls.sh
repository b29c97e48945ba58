# A TLS handshake that never finishes: a server on 127.0.0.1 (and ::1) that accepts, reads
# the ClientHello and never answers. `go mod download` of the sample module with
# GOPROXY=https://localhost:PORT (so Go sends the server name "localhost"; /etc/hosts
# resolves it) waits for the ServerHello; cmd/go gives up after 10 s (TLS handshake
# timeout) and tries the next module. The stall report at 2-3 s names the TLS handshake with
# the module proxy; once a stall report has seen a handshake abandoned, gotrace is
# interrupted (SIGTERM) and the final report must name it too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup
grep -qE '^127\.0\.0\.1[[:space:]]+(.*[[:space:]])?localhost([[:space:]]|$)' /etc/hosts || skip "/etc/hosts does not map localhost to 127.0.0.1"

python3 "$E2E_DIR/silent_server.py" tls-silent "$WORK/port" 120 2>"$WORK/server.log" &
track $!
wait_file "$WORK/port" 20
port=$(cat "$WORK/port")

(cd "$SAMPLE" && export GOPROXY=https://localhost:$port && \
  exec "$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" -- go mod download) \
  >"$WORK/stdout" 2>"$WORK/stderr" &
gt=$!
track $gt
wait_for_text "$WORK/g.out" "no progress for" 30
stop_at "never completed" "$WORK/g.out" 40 $gt
assert_eq 143 "$rc" "gotrace exit status after SIGTERM (the command died of it)"
grep -q "read [0-9]* bytes (first b'\\\\x16\\\\x03\\\\x01')" "$WORK/server.log" ||
  { cat "$WORK/server.log"; fail "the server did not receive a TLS ClientHello"; }

who="module proxy localhost \\(127\\.0\\.0\\.1:$port\\) \\(GOPROXY entry 1 of 1\\)"
line=$(first_stall "$WORK/g.out")
note "stall: $line"
expect "$line" "go mod download is stuck: the TLS handshake with $who has not completed for [0-9.]+ s \\(ClientHello sent, no answer\\); cmd/go gives up after 10 s" "stall report"
expect_file "$WORK/g.out" "evidence: fd [0-9]+ TCP -> 127\\.0\\.0\\.1:$port, last write [0-9.]+ s ago \\([0-9]+ bytes\\), nothing read yet" "stall evidence"
show_report "$WORK/g.out" 4

line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" "^gotrace: go mod download: the TLS handshake with $who never completed: ClientHello sent, no answer in 1[0-9]\\.[0-9] s\$" "final report"
expect_file "$WORK/g.rep" "try: test the server: \`openssl s_client -connect 127\\.0\\.0\\.1:$port -servername localhost\`" "remedy"
show_report "$WORK/g.rep" 4

# Attached after the ClientHello went out (issue 16.6): no call of the handshake is seen,
# and the kernel's facts (bytes sent, none ever received) to an https peer make it one.
# GOPROXY names the peer by its address: an attach sees no DNS answer or SNI to match a name.
: >"$WORK/server.log.attach"
python3 "$E2E_DIR/silent_server.py" tls-silent "$WORK/port2" 60 2>"$WORK/server.log.attach" &
track $!
wait_file "$WORK/port2" 20
port2=$(cat "$WORK/port2")
rm -rf "$WORK/mod-attach"
(cd "$SAMPLE" && GOPROXY=https://127.0.0.1:$port2 GOMODCACHE=$WORK/mod-attach exec go mod download) \
  >"$WORK/go-attach.out" 2>&1 &
gopid=$!
track $gopid
wait_for_text "$WORK/server.log.attach" "read [0-9]* bytes" 20
sleep 1.5  # a wait is a finding from 2 s on: long enough by the first stall report
"$GOTRACE" -p $gopid --stall 1 --duration 3 -o "$WORK/a.out" --report-file "$WORK/a.rep" || true
who2="module proxy 127\\.0\\.0\\.1:$port2 \\(GOPROXY entry 1 of 1\\)"
line=$(first_stall "$WORK/a.out")
note "attach stall: $line"
expect "$line" "go mod download is stuck: the TLS handshake with $who2 has not completed for [0-9.]+ s \\(ClientHello sent, no answer\\)" "attach: stall report"
expect_file "$WORK/a.out" "the handshake is inferred: its peer speaks TLS \\(an https URL names it\\)" "attach: how it is known"
line=$(final_first "$WORK/a.rep")
note "attach final: $line"
expect "$line" "the TLS handshake with $who2 has not completed for [0-9.]+ s \\(ClientHello sent, no answer\\)" "attach: final report"
kill -0 $gopid 2>/dev/null || note "go mod download ended during the attach (cmd/go gives up a handshake after 10 s)"
note "elapsed $(elapsed)"
echo "ok"
