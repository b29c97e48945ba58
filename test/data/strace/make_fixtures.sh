#!/bin/sh
# Regenerates the strace log fixtures of the strace import tests (test/unit/
# strace_import_test.cpp) from the programs in progs/. Needs gcc and strace. Runs the
# programs from / with output to /dev/null, so the logs name no machine-private paths.
# Review the diff: logs must stay small (< 20 KB) and free of hostnames and home paths.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=/tmp/gotrace-fixtures
mkdir -p "$bin"
gcc -O1 -o "$bin/fileio" "$here/progs/fileio.c"
gcc -O1 -pthread -o "$bin/threads" "$here/progs/threads.c"
cd /
# -f -tt -T -yy with the -C table: the main fixture.
strace -f -tt -T -yy -C -o "$here/fileio.log" "$bin/fileio" >/dev/null 2>&1
# -ttt, no -T, short strings (-s 8), no fd annotations; a shell running a command.
strace -f -ttt -s 8 -C -o "$here/ttt.log" /bin/sh -c 'echo hi >/dev/null; /bin/true; exit 2' \
  >/dev/null 2>&1 || true
# Threads: <unfinished ...> / <... resumed> pairs.
strace -f -tt -T -yy -C -o "$here/threads.log" "$bin/threads" >/dev/null 2>&1
# Without -o: "[pid N]" prefixes, and no prefix while only one task lives.
strace -f -tt -T -C "$bin/threads" 2>"$here/bracket.log" >/dev/null
ls -l "$here"/*.log
