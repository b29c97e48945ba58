# A failed command never gets "no problem found" (issue 16.5). `go mod download` of the
# sample module from the offline proxy (file://) into a module cache on a 1 MiB tmpfs (in
# a mount namespace of the test's own): it exits 1 with "no space left on device".
#  1. light mode: the writes that fail run unseen under the filter; the verdict names
#     ENOSPC from the command's last line on stderr, and says the call ran unseen;
#  2. --full: the verdict names the failed call's path and ENOSPC, the evidence the calls;
#  3. a module the proxy does not have: exit 1, and no call explains it: the verdict quotes
#     the last stderr line.
# The control (the same download with room: "no problem found") is diag_healthy.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup
[ "$(id -u)" = 0 ] || skip "needs root for a mount namespace"
mkdir -p "$T/small"

full_disk() {  # NAME GOTRACE-OPTIONS...: the download into the small tmpfs
  local name=$1 rc=0
  shift
  (cd "$SAMPLE" && unshare -m --propagation private sh -c \
    'mount -t tmpfs -o size=1m tmpfs "$1" && shift && exec "$@"' sh "$T/small" \
    env GOPROXY="file://$OUT/proxy" GOMODCACHE="$T/small/mod" \
    "$GOTRACE" -o "$WORK/$name.out" --report-file "$WORK/$name.rep" "$@" -- go mod download) \
    >"$WORK/$name.stdout" 2>&1 || rc=$?
  assert_eq 1 "$rc" "$name: go mod download exit status on a full disk"
  grep -q 'no space left on device' "$WORK/$name.stdout" || { tail -3 "$WORK/$name.stdout"; fail "$name: no ENOSPC from go"; }
  show_report "$WORK/$name.rep" 4
}

full_disk light
expect "$(final_first "$WORK/light.rep")" \
  '^gotrace: go mod download failed with exit status 1: No space left on device \(ENOSPC\), by its last line on stderr: "go: .*: no space left on device' \
  "light: verdict"
expect_file "$WORK/light.rep" "evidence: the failing call ran unseen under the seccomp filter" "light: evidence"
expect_file "$WORK/light.rep" 'try: free space where it writes \(`df -h`' "light: what to try"
# The filesystem, read when the command exited non-zero (its writes ran unseen).
expect_file "$WORK/light.rep" "filesystem of ${T//./\\.}/small/mod/[^:]+: tmpfs on ${T//./\\.}/small, 1\\.0 MiB in all, [0-9]+ KiB free \\([0-9]+%\\), inodes [0-9]+ of [0-9]+ free \\(statfs after the error\\)" "light: the filesystem and its free space"

full_disk full --full
expect "$(final_first "$WORK/full.rep")" \
  "^gotrace: go mod download failed with exit status 1 after ${T//./\\.}/small/mod/[^:]+: No space left on device \\(ENOSPC\\)\$" \
  "--full: verdict"
expect_file "$WORK/full.rep" "evidence: [a-z0-9]+ [0-9]+x ENOSPC: first [a-z0-9]+\\([0-9]+" "--full: evidence"
expect_file "$WORK/full.rep" "filesystem of ${T//./\\.}/small/mod/[^:]+: tmpfs on ${T//./\\.}/small, 1\\.0 MiB in all, [0-9]+ KiB free \\([0-9]+%\\)" "--full: the filesystem and its free space"

# 3. nothing explains it but what the command said
rc=0
(cd "$SAMPLE" && GOPROXY="file://$OUT/proxy" GOMODCACHE=$T/mod-missing \
  "$GOTRACE" --full -o "$WORK/missing.out" --report-file "$WORK/missing.rep" -- go mod download example.org/not/there@v1.0.0) \
  >"$WORK/missing.stdout" 2>&1 || rc=$?
assert_eq 1 "$rc" "go mod download of a missing module"
show_report "$WORK/missing.rep" 2
expect "$(final_first "$WORK/missing.rep")" \
  '^gotrace: go mod download example.org/not/there@v1.0.0 failed with exit status 1; no failed system call explains it; its last line on stderr: "go: example.org/not/there@v1.0.0: .*"$' \
  "missing module: verdict"
note "elapsed $(elapsed)"
echo "ok"
