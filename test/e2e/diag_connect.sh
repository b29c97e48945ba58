# A TCP connect that never completes, on loopback only: in a private network namespace
# (only `lo`, brought up here), a listener with listen(0) that never accepts has its accept
# queue filled by a filler connection, so further SYNs are dropped and a connect hangs (as
# behind a firewall that drops packets). `go mod download` with GOPROXY=http://127.0.0.1:PORT
# then waits in connect (EINPROGRESS, no SO_ERROR). The stall report while it waits, and
# the final report after gotrace is interrupted (SIGTERM), must name the TCP connect to the
# module proxy. Then the same for a C program's blocking connect() (git, curl, ssh do that).
if [ -z "${GOTRACE_DIAG_NS:-}" ]; then
  unshare -n true 2>/dev/null || { echo "SKIP: cannot make a network namespace (unshare -n)" >&2; exit 77; }
  GOTRACE_DIAG_NS=1 exec unshare -n bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
ip link set lo up || skip "cannot bring lo up in the network namespace"
go_setup

python3 "$E2E_DIR/silent_server.py" tcp-full "$WORK/port" 120 2>"$WORK/server.log" &
track $!
wait_file "$WORK/port" 20
port=$(cat "$WORK/port")
note "$(cat "$WORK/server.log")"
# Check the premise: a connect to it now hangs.
if timeout 10 python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)' "$port" 2>"$WORK/probe"; then
  fail "a connect to the full listener completed"
fi
grep -q "timed out" "$WORK/probe" || { cat "$WORK/probe"; fail "the probe connect failed, but did not time out"; }

(cd "$SAMPLE" && export GOPROXY=http://127.0.0.1:$port && \
  exec "$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" -- go mod download) \
  >"$WORK/stdout" 2>"$WORK/stderr" &
gt=$!
track $gt
wait_for_text "$WORK/g.out" "no progress for" 30
sleep 1
kill -TERM $gt
rc=0; wait $gt || rc=$?
assert_eq 143 "$rc" "gotrace exit status after SIGTERM (the command died of it)"

who="module proxy 127\\.0\\.0\\.1:$port \\(GOPROXY entry 1 of 1\\)"
line=$(first_stall "$WORK/g.out")
note "stall: $line"
expect "$line" "go mod download is stuck: TCP connect to $who has not completed for [0-9.]+ s \\(no SYN-ACK" "stall report"
expect_file "$WORK/g.out" "evidence: fd [0-9]+ TCP -> 127\\.0\\.0\\.1:$port: connect\\(\\) returned EINPROGRESS [0-9.]+ s ago, no SO_ERROR result since" "stall evidence"
show_report "$WORK/g.out" 4

line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" "^gotrace: go mod download(: TCP connect to $who never completed: no SYN-ACK in [0-9.]+ s| is stuck: TCP connect to $who has not completed for [0-9.]+ s)" "final report"
expect_file "$WORK/g.rep" "try: check the route and firewall to 127\\.0\\.0\\.1:$port" "remedy"
show_report "$WORK/g.rep" 4

# A blocking connect (what git, curl or ssh do): the wait is inside connect() itself.
"$GOTRACE" --stall 2 -o "$WORK/c.out" --report-file "$WORK/c.rep" -- "$PROGS/connect_block" 127.0.0.1 "$port" \
  >"$WORK/c.stdout" 2>"$WORK/c.stderr" &
gt=$!
track $gt
stop_at "no progress for" "$WORK/c.out" 30 $gt
assert_eq 143 "$rc" "gotrace exit status after SIGTERM (connect_block died of it)"
grep -q connected "$WORK/c.stdout" && fail "the blocking connect completed"
line=$(first_stall "$WORK/c.out")
note "stall (blocking connect): $line"
expect "$line" "connect_block 127\.0\.0\.1 $port is stuck: TCP connect to 127\.0\.0\.1:$port has not completed for [0-9.]+ s \(no SYN-ACK" "blocking connect stall report"
expect_file "$WORK/c.out" "evidence: fd [0-9]+ TCP -> 127\.0\.0\.1:$port: blocked in connect\(\) for [0-9.]+ s" "blocking connect evidence"
show_report "$WORK/c.out" 3
line=$(final_first "$WORK/c.rep")
note "final (blocking connect): $line"
expect "$line" "^gotrace: connect_block 127\.0\.0\.1 $port(: TCP connect to 127\.0\.0\.1:$port never completed| is stuck: TCP connect)" "blocking connect final report"
note "elapsed $(elapsed)"
echo "ok"
