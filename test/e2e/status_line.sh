# The live status line (issue 17.4), on a real terminal (a pty from script(1)): a client
# that sends a request to a server that never answers, waits 3.5 s for it, prints a line and
# exits. While it waits, the line redrawn in place names the wait and its peer; the
# client's own output and gotrace's report are never on a line with it; with -q,
# --no-status, or stderr not on the terminal, there is none.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
command -v script >/dev/null || skip "no script(1) (util-linux) to make a terminal"
PY=/usr/bin/python3  # not a PATH shim (pyenv's is a shell script that runs more programs)

python3 "$E2E_DIR/silent_server.py" tls-silent "$WORK/port" 90 2>"$WORK/server.log" &
track $!
wait_file "$WORK/port" 20
port=$(cat "$WORK/port")
cat >"$WORK/client.py" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /x HTTP/1.1\r\nHost: example\r\n\r\n")
s.settimeout(3.5)
try:
    s.recv(100)
except socket.timeout:
    pass
print("client-done", flush=True)
time.sleep(1.3)
sys.exit(4)
PY
# The terminal's output as a terminal shows it: \r returns, ESC[K clears to the end.
cat >"$WORK/render.py" <<'PY'
import sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
line, col, out, i = [], 0, [], 0
while i < len(data):
    if data.startswith("\033[K", i):
        del line[col:]; i += 3; continue
    ch = data[i]; i += 1
    if ch == "\r": col = 0
    elif ch == "\n": out.append("".join(line)); line, col = [], 0
    else:
        if col < len(line): line[col] = ch
        else: line.append(ch)
        col += 1
if line: out.append("".join(line))
print("\n".join(out))
PY
on_tty() {  # OUT gotrace-args...: runs gotrace on a pty, its output in OUT; sets rc
  local out=$1; shift
  local cmd=$(printf "%q " "$GOTRACE" "$@")
  rc=0
  # 250 columns: the whole line fits (the pty of script(1) is 80 wide without a terminal).
  script -qefc "stty cols 250; $cmd" /dev/null </dev/null >"$out" || rc=$?
}

on_tty "$WORK/tty.raw" -- $PY "$WORK/client.py" "$port"
assert_eq 4 "$rc" "exit status through the terminal"
python3 "$WORK/render.py" "$WORK/tty.raw" >"$WORK/tty.txt"
note "$(cat "$WORK/tty.txt")"
grep -aqE $'\rgotrace: [0-9.]+ m?s; 1 process, 1 thread; [0-9]+ calls? seen; [0-9.]+ (bytes|kB|MB) moved' "$WORK/tty.raw" ||
  fail "no status line drawn: $(od -c "$WORK/tty.raw" | head -20)"
grep -aqE "waiting [0-9.]+ s for an answer from [^;]*127\\.0\\.0\\.1:$port" "$WORK/tty.raw" ||
  fail "the status line does not name the wait: $(tr '\r' '\n' <"$WORK/tty.raw" | grep -a '^gotrace: ')"
# Erased before the client's own write, not left on its line.
grep -aq $'\r\033\\[Kclient-done' "$WORK/tty.raw" || fail "the status line was not erased before the command wrote"
grep -qx "client-done" "$WORK/tty.txt" || fail "the client's line is not on a line of its own"
grep -qE "^gotrace: [0-9.]+ m?s; " "$WORK/tty.txt" && fail "a status line was left on the terminal"
grep -qE "^gotrace: .*exit status 4" "$WORK/tty.txt" || fail "no verdict line of its own"

for off in -q --no-status; do
  on_tty "$WORK/off.raw" "$off" -- $PY "$WORK/client.py" "$port"
  assert_eq 4 "$rc" "$off: exit status"
  grep -aq $'\033\\[K' "$WORK/off.raw" && fail "$off: a status line was drawn"
  grep -aq "client-done" "$WORK/off.raw" || fail "$off: the client's output is missing"
done
# The report in a file (-o): the line is still drawn on the terminal, never in the file.
on_tty "$WORK/file.raw" -o "$WORK/report" -- $PY "$WORK/client.py" "$port"
grep -aq $'\rgotrace: ' "$WORK/file.raw" || fail "-o FILE: no status line on the terminal"
grep -aq $'\033\\[K' "$WORK/report" && fail "-o FILE: the status line went into the file"
grep -q "exit status 4" "$WORK/report" || fail "-o FILE: no report in the file"
# The trace on stderr (--trace, no -o): it shares the terminal, so no line.
on_tty "$WORK/trace.raw" --trace -- $PY "$WORK/client.py" "$port"
grep -aq $'\033\\[K' "$WORK/trace.raw" && fail "--trace: a status line was drawn over the trace"
# stderr not on the terminal (stdout still is): nothing drawn, nothing in the file.
script -qefc "stty cols 250; $(printf "%q " "$GOTRACE" -- $PY "$WORK/client.py" "$port") 2>$WORK/stderr" /dev/null </dev/null >/dev/null || true
grep -aq $'\033\\[K' "$WORK/stderr" && fail "stderr to a file: a status line was written to it"
grep -q "exit status 4" "$WORK/stderr" || fail "stderr to a file: no report: $(cat "$WORK/stderr")"
echo ok
