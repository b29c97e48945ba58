# Reproducing the two deep causes on a healthy machine, on Go programs:
#  (a) --inject getrandom:delay_enter=3s on tlsself (crypto/rand, then a TLS handshake with
#      itself): the entropy analyzer names the held getrandom, with the fast path and --full;
#  (b) --inject openat:error=EMFILE:when=30+ on openfiles: the fd analyzer names the EMFILE,
#      though the fd limit is far away;
#  (c) --rlimit nofile=10 on a real `go mod download` of the sample module from the offline
#      proxy over HTTP: it fails with "too many open files" and the report names EMFILE
#      under RLIMIT_NOFILE 10 (hard 10), the limit gotrace set;
#  (d) --inject getrandom:delay_enter=1s on a real `go mod download` from the offline
#      proxy over HTTPS (serve -tls-cert-out, trusted with SSL_CERT_FILE): it succeeds, late,
#      and the entropy analyzer names the held getrandom and the TLS handshake behind it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
[ -x "$PROGS/tlsself" ] || skip "Go test programs not built"

# (a)
for mode in fast full; do
  flag=; [ $mode = full ] && flag=--full
  rc=0
  "$GOTRACE" $flag -o "$WORK/a.out" --report-file "$WORK/a.rep" --inject getrandom:delay_enter=3s:when=1 -- \
    "$PROGS/tlsself" >"$WORK/a.stdout" 2>&1 || rc=$?
  assert_eq 0 "$rc" "tlsself exit status ($mode)"
  grep -q "handshake ok" "$WORK/a.stdout" || fail "tlsself did not finish its handshake ($mode): $(cat "$WORK/a.stdout")"
  line=$(final_first "$WORK/a.rep")
  note "(a) $mode: $line"
  expect "$line" '^gotrace: tlsself waited [0-9]+\.[0-9] s for the kernel.s random numbers: getrandom blocked \(entropy starvation\)' "(a) final report ($mode)"
  expect_file "$WORK/a.rep" 'evidence: tid [0-9]+: getrandom\(.*, [0-9]+, 0\) = [0-9]+ blocked ([3-9]|[1-9][0-9]+)\.[0-9] s' "(a) evidence ($mode)"
  show_report "$WORK/a.rep" 3
done

# (b)
rc=0
"$GOTRACE" -o "$WORK/b.out" --report-file "$WORK/b.rep" --inject openat:error=EMFILE:when=30+ -- \
  "$PROGS/openfiles" >"$WORK/b.stdout" 2>&1 || rc=$?
assert_eq 1 "$rc" "openfiles exit status"
grep -q "too many open files" "$WORK/b.stdout" || fail "openfiles did not see EMFILE: $(cat "$WORK/b.stdout")"
note "(b) openfiles: $(cat "$WORK/b.stdout")"
line=$(final_first "$WORK/b.rep")
note "(b) final: $line"
expect "$line" '^gotrace: openfiles ran out of file descriptors: openat failed with EMFILE \(1x\) with [0-9]+ fds open, RLIMIT_NOFILE' "(b) final report"
expect_file "$WORK/b.rep" 'first: openat\(AT_FDCWD, "/dev/null", O_RDONLY\|O_CLOEXEC\) = -1 EMFILE' "(b) evidence"

# (c)
go_setup
start_serve
rc=0
(cd "$SAMPLE" && GOPROXY=http://$ADDR "$GOTRACE" -o "$WORK/c.out" --report-file "$WORK/c.rep" --rlimit nofile=10 -- \
  go mod download) >"$WORK/c.stdout" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "(c) go mod download succeeded under --rlimit nofile=10"
grep -q "too many open files" "$WORK/c.stdout" || { cat "$WORK/c.stdout"; fail "(c) go mod download failed, but not with EMFILE"; }
note "(c) go mod download: exit $rc: $(grep -m1 'too many open files' "$WORK/c.stdout" | cut -c1-160)"
line=$(final_first "$WORK/c.rep")
note "(c) final: $line"
expect "$line" '^gotrace: go mod download ran out of file descriptors: [a-z0-9_]+ failed with EMFILE \([0-9]+x\) with [0-9]+ fds open, RLIMIT_NOFILE 10 \(hard 10\)$' "(c) final report"
show_report "$WORK/c.rep" 3

# (d)
grep -qE '^127\.0\.0\.1[[:space:]]+(.*[[:space:]])?localhost([[:space:]]|$)' /etc/hosts ||
  skip "/etc/hosts does not map localhost to 127.0.0.1"
rm -f "$T/addr"
start_serve -tls-cert-out "$T/cert.pem"
rm -rf "$T/mod"
rc=0
(cd "$SAMPLE" && GOPROXY=https://localhost:$PORT SSL_CERT_FILE=$T/cert.pem "$GOTRACE" -o "$WORK/d.out" \
  --report-file "$WORK/d.rep" --inject getrandom:delay_enter=1s -- go mod download) >"$WORK/d.stdout" 2>&1 || rc=$?
assert_eq 0 "$rc" "(d) go mod download over HTTPS with getrandom held: $(head -3 "$WORK/d.stdout")"
line=$(final_first "$WORK/d.rep")
note "(d) final: $line"
expect "$line" '^gotrace: go mod download waited [0-9]+\.[0-9] s for the kernel.s random numbers: getrandom blocked \(entropy starvation\); the TLS handshake with localhost waited on it$' "(d) final report"
expect_file "$WORK/d.rep" 'evidence: tid [0-9]+: getrandom\(.*, [0-9]+, 0\) = [0-9]+ blocked [1-9][0-9]*\.[0-9] s' "(d) evidence"
show_report "$WORK/d.rep" 3
note "elapsed $(elapsed)"
echo "ok"
