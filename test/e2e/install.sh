# Shipping (issue 17.1): `cmake --install` puts bin/gotrace, the man page and the bash
# completion under a prefix; `cpack -G DEB` makes a .deb of the same, whose Depends
# (dpkg-shlibdeps) apt can satisfy on Debian 12 (`apt-get -s install`, nothing installed)
# and whose files run from a scratch root. The man page documents every option of --help.
source "$(dirname "$0")/lib.sh"
command -v cpack >/dev/null || skip "cpack not installed"

cmake --install "$BUILD_DIR" --prefix "$WORK/root" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "cmake --install"; }
for f in bin/gotrace share/man/man1/gotrace.1 share/bash-completion/completions/gotrace; do
  [ -e "$WORK/root/$f" ] || fail "cmake --install did not install $f: $(cat "$WORK/install.log")"
done
version=$("$WORK/root/bin/gotrace" --version)
note "$version"
[[ $version =~ ^gotrace\ [0-9]+\.[0-9]+\.[0-9]+( \(commit [0-9a-f]+(-dirty)?\))?$ ]] || fail "--version: '$version'"
# Plain text: overstrike (bold, underline) removed.
MANWIDTH=100 man -l "$WORK/root/share/man/man1/gotrace.1" 2>"$WORK/man.err" | sed $'s/.\b//g' >"$WORK/man.txt" ||
  fail "man -l: $(cat "$WORK/man.err")"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS DIAGNOSIS "EXIT STATUS" ENVIRONMENT EXAMPLES "SEE ALSO"; do
  grep -q "^$section" "$WORK/man.txt" || fail "the man page has no $section section"
done
grep -q "@GOTRACE_VERSION@" "$WORK/root/share/man/man1/gotrace.1" && fail "the man page's version was not filled in"
# Every long option of --help is in the man page.
for opt in $("$GOTRACE" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  grep -qF -- "$opt" "$WORK/man.txt" || fail "the man page does not document $opt"
done
bash -n "$WORK/root/share/bash-completion/completions/gotrace" || fail "the bash completion does not parse"

# The .deb, built from a copy of the build tree's CPack config into this test's directory.
(cd "$WORK" && cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg") >"$WORK/cpack.log" 2>&1 ||
  { tail -20 "$WORK/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$WORK"/pkg/gotrace_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
note "Depends: $depends"
for lib in libseccomp2 libfmt libboost-program-options libunwind; do
  grep -q "$lib" <<<"$depends" || fail "the .deb's Depends lacks $lib: $depends"
done
if apt-cache policy libc6 2>/dev/null | grep -q Candidate; then
  apt-get -s install "$deb" >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log"; fail "apt cannot install the .deb"; }
fi
dpkg-deb -x "$deb" "$WORK/scratch"
assert_eq "$version" "$("$WORK/scratch/usr/bin/gotrace" --version)" "the packaged gotrace's --version"
rc=0; "$WORK/scratch/usr/bin/gotrace" -o /dev/null -- sh -c 'exit 7' || rc=$?
assert_eq 7 "$rc" "the packaged gotrace passes the exit status through"
man -l "$WORK/scratch/usr/share/man/man1/gotrace.1" >/dev/null 2>&1 || fail "man -l on the packaged man page"
echo ok
