# Shared helpers for the e2e scripts. Source it first; it sets -euo pipefail, makes $WORK
# (removed on exit) and checks on exit that no process is left traced or trace-stopped.

set -euo pipefail
: "${GOTRACE:?GOTRACE must point at the gotrace binary}"
: "${PROGS:?PROGS must point at the built test programs}"
WORK=$(mktemp -d /tmp/gotrace-e2e.XXXXXX)
# Every process this test starts inherits this marker, so the check below looks only at
# them, not at whatever else runs on the machine (another tracer, another test run).
export GOTRACE_E2E_MARK="gotrace-e2e-$$-$RANDOM"
# The Go toolchain of a Go-dependent test (GO, set per test by test/e2e/CMakeLists.txt from
# GOTRACE_TEST_GO): first in PATH, so `go` in these scripts and in every command they trace
# is that one; GOTOOLCHAIN=local keeps it from switching to another (a test that wants the
# switch sets GOTOOLCHAIN itself).
if [ -n "${GO:-}" ]; then
  export PATH="$(dirname "$GO"):$PATH" GOTOOLCHAIN=local
fi
E2E_PIDS=()
E2E_DIRS=()
# gotrace checks its never-strand rule at every stop (a stop left unanswered is an internal
# error, exit 70, instead of being answered late and reported).
export GOTRACE_STRICT=1

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "# $*"; }

assert_eq() {  # expected actual what
  [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# Fails when a process this test started is left in a ptrace stop (state t) or traced by a
# tracer that is gone or is a leftover gotrace.
check_no_stranded() {
  local st pid state tracer tcomm bad=""
  for st in /proc/[0-9]*/status; do
    pid=${st#/proc/}; pid=${pid%/status}
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "GOTRACE_E2E_MARK=$GOTRACE_E2E_MARK" || continue
    state=$(awk '/^State:/{print $2}' "$st" 2>/dev/null) || continue
    tracer=$(awk '/^TracerPid:/{print $2}' "$st" 2>/dev/null) || continue
    [ "$state" = t ] || [ "${tracer:-0}" != 0 ] || continue
    tcomm=$(cat "/proc/$tracer/comm" 2>/dev/null || echo gone)
    if [ "$tracer" = 0 ] || [ "$tcomm" = gone ] || [ "$tcomm" = gotrace ]; then
      bad="$bad $pid($(cat /proc/$pid/comm 2>/dev/null),tracer=$tracer:$tcomm)"
    fi
  done
  [ -z "$bad" ] || { echo "FAIL: processes left stopped or orphan-traced:$bad" >&2; return 1; }
}

cleanup() {
  local rc=$?
  for p in "${E2E_PIDS[@]}"; do
    { kill -KILL "$p" && wait "$p"; } 2>/dev/null || true  # waited here: bash stays quiet
  done
  rm -rf "$WORK"
  for d in "${E2E_DIRS[@]}"; do rm -rf "$d"; done
  if ! check_no_stranded; then rc=1; fi
  exit $rc
}
trap cleanup EXIT

# offline_proxy: the offline module proxy of scripts/build-goproxy.sh, built once per Go
# toolchain (its hash covers `go version`); sets OUT (its directory) and SAMPLE.
offline_proxy() {
  command -v go >/dev/null || skip "go not installed"
  OUT=$BUILD_DIR/goproxy-$(go env GOVERSION)
  bash "$SCRIPTS_DIR/build-goproxy.sh" "$OUT" >"$WORK/build-goproxy.log" 2>&1 ||
    { cat "$WORK/build-goproxy.log"; fail "building the offline proxy"; }
  SAMPLE=$OUT/sample
}

# Remembers a background pid to kill at exit.
track() { E2E_PIDS+=("$1"); }

# Remembers a directory to remove at exit (e.g. caches on /dev/shm). Use this rather than a
# new EXIT trap: `trap 'rm -rf X; cleanup' EXIT` loses the exit status (cleanup sees rm's).
track_dir() { E2E_DIRS+=("$1"); }

# count FILE SYSCALL -> "calls errors" from an strace -c style table (0 when absent).
count() {
  awk -v n="$2" '$NF == n && NF >= 5 { if (NF == 6) print $4, $5; else print $4, 0; found=1 }
                 END { if (!found) print 0, 0 }' "$1" | head -1
}

# Waits until FILE contains TEXT (at most SECONDS, default 10).
wait_for_text() {
  local file=$1 text=$2 secs=${3:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    grep -q -- "$text" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "timed out waiting for '$text' in $file"
}

# as_nobody: for RLIMIT_NPROC tests, which root ignores. Copies $PROGS/lockthreads where uid
# 65534 can run it (into $D) and sets drop=(setpriv ... --), which runs a command as that
# uid; skips when that uid already has processes (they count against the limit) or cannot
# run the program. Sets nobody=65534.
as_nobody() {
  nobody=65534
  ps -o pid= -u $nobody >/dev/null 2>&1 && skip "processes of uid $nobody are running: RLIMIT_NPROC counts them"
  D=$(mktemp -d /dev/shm/gotrace-e2e-nobody.XXXXXX)
  track_dir "$D"
  chmod 755 "$D"
  cp "$PROGS/lockthreads" "$D/"
  chmod 755 "$D/lockthreads"
  drop=(setpriv --reuid=$nobody --regid=$nobody --clear-groups --)
  "${drop[@]}" "$D/lockthreads" 4 >/dev/null || skip "cannot run a program as uid $nobody"
}
