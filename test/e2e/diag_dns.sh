# DNS: a resolver that never answers. In a private mount namespace, /etc/resolv.conf is
# replaced (bind mount) by one naming 127.0.0.77 (timeout:3 attempts:1), where a UDP socket
# reads queries and drops them; `go mod download` of the sample module with
# GOPROXY=https://proxy.golang.org and a fresh module cache then waits on the lookup of
# proxy.golang.org (the query never leaves loopback); each lookup fails after 3 s and the
# next module's lookup starts. The stall report while it waits, and the final report after
# gotrace is interrupted, must both name DNS and the host.
if [ -z "${GOTRACE_DIAG_NS:-}" ]; then
  unshare -m true 2>/dev/null || { echo "SKIP: cannot make a mount namespace (unshare -m)" >&2; exit 77; }
  GOTRACE_DIAG_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup

printf 'nameserver 127.0.0.77\noptions timeout:3 attempts:1\n' >"$WORK/resolv.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || skip "cannot bind-mount /etc/resolv.conf"
grep -q '^nameserver 127.0.0.77$' /etc/resolv.conf || fail "resolv.conf not replaced"
grep -q 'proxy.golang.org' /etc/hosts && skip "/etc/hosts names proxy.golang.org"

python3 "$E2E_DIR/silent_server.py" udp-drop 127.0.0.77 53 120 "$WORK/dns.ready" 2>"$WORK/dns.log" &
track $!
wait_file "$WORK/dns.ready" 10

(cd "$SAMPLE" && export GOPROXY=https://proxy.golang.org && \
  exec "$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" -- go mod download) \
  >"$WORK/stdout" 2>"$WORK/stderr" &
gt=$!
track $gt
# Each lookup times out after 3 s and the download tries one module after another (about a
# minute in all): stop once a stall report has seen a query end unanswered.
wait_for_text "$WORK/g.out" "got no answer in" 30
kill -TERM $gt
rc=0; wait $gt || rc=$?
assert_eq 143 "$rc" "gotrace exit status after SIGTERM (the command died of it)"

line=$(first_stall "$WORK/g.out")
[ -n "$line" ] || { cat "$WORK/g.out"; fail "no stall report while the lookup waited"; }
note "stall: $line"
# The first stall report comes while the first lookup waits (2-3 s after the query; if the
# 3 s timeout won the race, it names the query that just went unanswered).
expect "$line" 'go mod download (is stuck resolving proxy\.golang\.org: no answer for [0-9.]+ s from|: the DNS query for proxy\.golang\.org to) DNS server 127\.0\.0\.77:53' "stall report"
expect_file "$WORK/g.out" 'evidence: fd [0-9]+ UDP -> 127\.0\.0\.77:53: query for proxy\.golang\.org sent' "stall evidence"
show_report "$WORK/g.out" 4

line=$(final_first "$WORK/g.rep")
note "final: $line"
# After the interrupt: the query that went unanswered (3.0 s), or the one still waiting if
# it has waited as long.
expect "$line" '^gotrace: go mod download(: the DNS query for proxy\.golang\.org to DNS server 127\.0\.0\.77:53 got no answer in [0-9.]+ s| is stuck resolving proxy\.golang\.org: no answer for [0-9.]+ s from DNS server 127\.0\.0\.77:53)$' "final report"
expect_file "$WORK/g.rep" 'query for proxy\.golang\.org sent, closed 3\.0 s later with nothing read' "final evidence"
expect_file "$WORK/g.rep" 'try: check the nameservers in /etc/resolv.conf' "remedy"
show_report "$WORK/g.rep" 4
note "elapsed $(elapsed)"
echo "ok"
