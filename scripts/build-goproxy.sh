#!/usr/bin/env bash
# build-goproxy.sh OUTDIR — build gotrace's offline test workload from Debian packages:
#   OUTDIR/proxy        a GOPROXY tree (file:// or HTTP via scripts/goproxy/serve) made by
#                       scripts/goproxy/mkproxy from the golang-*-dev sources in /usr/share/gocode/src;
#                       versions come from dpkg, go.mod requirements are rewritten to the served
#                       versions (see mkproxy/main.go)
#   OUTDIR/sample       module example.com/gotrace-sample (scripts/goproxy/sample/main.go) with a
#                       go.mod/go.sum made by `go mod tidy -e` against that proxy
#   OUTDIR/modules.txt  "module version" for every module served
# Idempotent: skips the work when OUTDIR/proxy/.complete holds the hash of the inputs
# (this script, mkproxy, the sample source and the installed package versions).
# Needs the packages of scripts/install-deps.sh. No network: only the local proxy is used.
set -euo pipefail

OUT=${1:?usage: build-goproxy.sh OUTDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=/usr/share/gocode/src

# Module path -> Debian package that installs it under $SRC. Keep install-deps.sh in step.
MODULES=(
  "github.com/BurntSushi/toml golang-github-burntsushi-toml-dev"
  "github.com/cpuguy83/go-md2man/v2 golang-github-cpuguy83-go-md2man-v2-dev"
  "github.com/creack/pty golang-github-creack-pty-dev"
  "github.com/davecgh/go-spew golang-github-davecgh-go-spew-dev"
  "github.com/fsnotify/fsnotify golang-github-fsnotify-fsnotify-dev"
  "github.com/google/go-cmp golang-github-google-go-cmp-dev"
  "github.com/google/uuid golang-github-google-uuid-dev"
  "github.com/hashicorp/hcl golang-github-hashicorp-hcl-dev"
  "github.com/inconshreveable/mousetrap golang-github-inconshreveable-mousetrap-dev"
  "github.com/kr/fs golang-github-kr-fs-dev"
  "github.com/kr/pretty golang-github-kr-pretty-dev"
  "github.com/kr/text golang-github-kr-text-dev"
  "github.com/magiconair/properties golang-github-magiconair-properties-dev"
  "github.com/mattn/go-isatty golang-github-mattn-go-isatty-dev"
  "github.com/mitchellh/mapstructure golang-github-mitchellh-mapstructure-dev"
  "github.com/pelletier/go-toml golang-github-pelletier-go-toml-dev"
  "github.com/pkg/diff golang-github-pkg-diff-dev"
  "github.com/pkg/errors golang-github-pkg-errors-dev"
  "github.com/pkg/sftp golang-github-pkg-sftp-dev"
  "github.com/pmezard/go-difflib golang-github-pmezard-go-difflib-dev"
  "github.com/rogpeppe/go-internal golang-github-rogpeppe-go-internal-dev"
  "github.com/russross/blackfriday/v2 golang-github-russross-blackfriday-v2-dev"
  "github.com/shurcooL/sanitized_anchor_name golang-github-shurcool-sanitized-anchor-name-dev"
  "github.com/sirupsen/logrus golang-github-sirupsen-logrus-dev"
  "github.com/spf13/afero golang-github-spf13-afero-dev"
  "github.com/spf13/cast golang-github-spf13-cast-dev"
  "github.com/spf13/cobra golang-github-spf13-cobra-dev"
  "github.com/spf13/jwalterweatherman golang-github-spf13-jwalterweatherman-dev"
  "github.com/spf13/pflag golang-github-spf13-pflag-dev"
  "github.com/spf13/viper golang-github-spf13-viper-dev"
  "github.com/stretchr/objx golang-github-stretchr-objx-dev"
  "github.com/stretchr/testify golang-github-stretchr-testify-dev"
  "github.com/subosito/gotenv golang-github-subosito-gotenv-dev"
  "golang.org/x/crypto golang-golang-x-crypto-dev"
  "golang.org/x/mod golang-golang-x-mod-dev"
  "golang.org/x/net golang-golang-x-net-dev"
  "golang.org/x/sync golang-golang-x-sync-dev"
  "golang.org/x/sys golang-golang-x-sys-dev"
  "golang.org/x/term golang-golang-x-term-dev"
  "golang.org/x/text golang-golang-x-text-dev"
  "gopkg.in/check.v1 golang-gopkg-check.v1-dev"
  "gopkg.in/ini.v1 golang-gopkg-ini.v1-dev"
  "gopkg.in/yaml.v2 golang-gopkg-yaml.v2-dev"
  "gopkg.in/yaml.v3 golang-gopkg-yaml.v3-dev"
)

# Manifest for mkproxy: module, package, installed Debian version.
manifest=""
missing=()
for entry in "${MODULES[@]}"; do
  read -r mod pkg <<<"$entry"
  ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
  if [[ -z $ver || ! -d $SRC/$mod ]]; then missing+=("$pkg"); continue; fi
  manifest+="$mod $pkg $ver"$'\n'
done
if ((${#missing[@]})); then
  echo "build-goproxy: missing packages: ${missing[*]} (run scripts/install-deps.sh)" >&2
  exit 1
fi

hash=$( { cat "$HERE/build-goproxy.sh" "$HERE/goproxy/mkproxy/main.go" "$HERE/goproxy/sample/main.go"
          go version; printf '%s' "$manifest"; } | sha256sum | cut -d' ' -f1)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
exec 9>"$OUT/.lock" # one builder at a time (tests may start in parallel)
flock 9
if [[ -f $OUT/proxy/.complete && $(cat "$OUT/proxy/.complete") == "$hash" && -f $OUT/sample/go.sum ]]; then
  echo "build-goproxy: $OUT is up to date"
  exit 0
fi

WORK=$(mktemp -d /dev/shm/gotrace-goproxy-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Isolated go environment: nothing read from or written to the user's caches or go env.
export GOENV=off GO111MODULE=on GOPATH=$WORK/gopath GOMODCACHE=$WORK/modcache GOCACHE=$WORK/gocache
export GOPROXY=off GOSUMDB=off GONOSUMDB='' GONOPROXY='' GOPRIVATE='' GOFLAGS="-mod=mod -modcacherw"

printf '%s' "$manifest" >"$WORK/manifest"
go build -o "$WORK/mkproxy" "$HERE/goproxy/mkproxy/main.go"
rm -rf "$OUT/proxy.new" "$OUT/sample.new" "$OUT/modules.txt.new"
echo "build-goproxy: writing the module proxy tree to $OUT (zips, .mod and .info files)"
# Each module mkproxy writes is one line out: counted as it goes on a terminal.
n=0
"$WORK/mkproxy" -src "$SRC" -out "$OUT/proxy.new" -manifest "$WORK/manifest" | while IFS= read -r line; do
  printf '%s\n' "$line" >>"$OUT/modules.txt.new"
  n=$((n + 1))
  if [ -t 2 ]; then printf '\rbuild-goproxy: %d modules written' "$n" >&2; fi
done
if [ -t 2 ]; then echo >&2; fi

# The sample module: go.mod and go.sum written by go itself against the new proxy.
# tidy needs -e: Debian's trees lack files for other systems (no golang.org/x/sys/windows).
mkdir -p "$OUT/sample.new"
cp "$HERE/goproxy/sample/main.go" "$OUT/sample.new/"
printf 'module example.com/gotrace-sample\n\ngo 1.19\n' >"$OUT/sample.new/go.mod"
(cd "$OUT/sample.new" && GOPROXY=file://$OUT/proxy.new go mod tidy -e 2>"$OUT/tidy.log") || {
  cat "$OUT/tidy.log" >&2; exit 1; }
echo "build-goproxy: go mod tidy -e left $(grep -c -e 'cannot find module' -e 'does not contain package' \
  "$OUT/tidy.log") imports unresolved (other systems, tests of dependencies): see $OUT/tidy.log"

# The tree is served from $OUT/proxy: swap in the new one, mark it complete last.
rm -rf "$OUT/proxy" "$OUT/sample"
mv "$OUT/proxy.new" "$OUT/proxy"
mv "$OUT/sample.new" "$OUT/sample"
mv "$OUT/modules.txt.new" "$OUT/modules.txt"
echo "$hash" >"$OUT/proxy/.complete"
echo "build-goproxy: $(wc -l <"$OUT/modules.txt") modules in $OUT/proxy, sample in $OUT/sample"
