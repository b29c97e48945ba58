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
note "elapsed $(elapsed)"
echo "ok"
