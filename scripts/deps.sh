#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh - make sure everything alignrisk builds and tests with is present.
# 1. Debian packages found through pkg-config (and the tools the build runs); installs the
#    missing ones when run as root, else prints the exact apt-get line and exits 1.
# 2. The pinned tree-sitter grammars of scripts/grammars.lock, unless a system pkg-config
#    package provides them (named like the npm package without its @scope/):
#    `npm pack`, sha512 integrity check, unpack only src/ into third_party/<dir>/
#    (git-ignored). Quiet and fast when nothing is missing.
set -eu
cd "$(dirname "$0")/.."

need_pkgs=""
want() { need_pkgs="$need_pkgs $1"; }

command -v cc >/dev/null 2>&1 || want gcc
command -v make >/dev/null 2>&1 || want make
command -v pkg-config >/dev/null 2>&1 || want pkg-config
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists tree-sitter || want libtree-sitter-dev
  pkg-config --exists libxml-2.0 || want libxml2-dev
  pkg-config --exists libcjson || want libcjson-dev
  pkg-config --exists cmocka || want libcmocka-dev
else
  want "libtree-sitter-dev libxml2-dev libcjson-dev libcmocka-dev"
fi
grammar_missing=0
while read -r name version dir integrity; do
  case "$name" in '#'*|'') continue ;; esac
  pkg-config --exists "${name##*/}" 2>/dev/null && continue
  [ -f "third_party/$dir/.integrity" ] && [ "$(cat "third_party/$dir/.integrity")" = "$integrity" ] && continue
  grammar_missing=1
done < scripts/grammars.lock
if [ "$grammar_missing" = 1 ]; then
  command -v npm >/dev/null 2>&1 || want npm
  command -v openssl >/dev/null 2>&1 || want openssl
fi

if [ -n "$need_pkgs" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing$need_pkgs" >&2
    # One update per machine is enough; a failed update still lets install try its lists.
    apt-get update -qq >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need_pkgs >/dev/null
  else
    echo "deps: missing packages; run as root:" >&2
    echo "  apt-get install -y$need_pkgs" >&2
    exit 1
  fi
fi

[ "$grammar_missing" = 1 ] || exit 0
while read -r name version dir integrity; do
  case "$name" in '#'*|'') continue ;; esac
  pkg-config --exists "${name##*/}" 2>/dev/null && continue
  dest="third_party/$dir"
  [ -f "$dest/.integrity" ] && [ "$(cat "$dest/.integrity")" = "$integrity" ] && continue
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "deps: fetching $name@$version" >&2
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>npm.log) || {
    cat "$tmp/npm.log" >&2; echo "deps: npm pack $name@$version failed" >&2; exit 1; }
  # npm names a scoped package's tarball scope-name-version.tgz; there is only one.
  tgz=$(ls "$tmp"/*.tgz)
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | openssl base64 -A)"
  if [ "$got" != "$integrity" ]; then
    echo "deps: $name@$version: integrity mismatch" >&2
    echo "  expected $integrity" >&2
    echo "  got      $got" >&2
    exit 1
  fi
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xzf "$tgz" -C "$tmp" package/src
  mv "$tmp/package/src" "$dest/src"
  printf '%s\n' "$integrity" > "$dest/.integrity"
  rm -rf "$tmp"
  trap - EXIT
done < scripts/grammars.lock
