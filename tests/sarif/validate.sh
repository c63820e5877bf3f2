#!/bin/sh
# SPDX-License-Identifier: MIT
# validate.sh [ALIGNRISK] - check alignrisk's SARIF against the SARIF 2.1.0 JSON schema
# (Ajv, draft-04) and against what GitHub code scanning needs beyond the schema (validate.js).
# Validates every tests/golden/*/expected.out of a `--format sarif` case and, given the
# binary, fresh output for the sample app and each such case. The pinned packages of
# sarif.lock are fetched once into third_party/sarif (git-ignored) with `npm pack` and an
# integrity check, like the grammars. Last line: "sarif: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dest="$top/third_party/sarif"
fail() { echo "sarif: $1" >&2; echo "sarif: 0 passed, 1 failed"; exit 1; }

command -v node >/dev/null 2>&1 || fail "node is required (apt-get install nodejs npm)"
integrity() { node -e 'const c=require("crypto"),f=require("fs");
  process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"; }

while read -r name version sum; do
  case "$name" in '#'*|'') continue ;; esac
  pkg="$dest/node_modules/$name"
  [ -f "$pkg/.integrity" ] && [ "$(cat "$pkg/.integrity")" = "$sum" ] && continue
  command -v npm >/dev/null 2>&1 || fail "npm is required to fetch $name@$version"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>npm.log) || {
    cat "$tmp/npm.log" >&2; rm -rf "$tmp"; fail "npm pack $name@$version failed"; }
  got=$(integrity "$(ls "$tmp"/*.tgz)")
  if [ "$got" != "$sum" ]; then
    rm -rf "$tmp"; fail "$name@$version: integrity mismatch: expected $sum, got $got"; fi
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  rm -rf "$pkg" && mkdir -p "$(dirname "$pkg")" && mv "$tmp/package" "$pkg"
  printf '%s\n' "$sum" > "$pkg/.integrity"
  rm -rf "$tmp"
done < "$here/sarif.lock"

# Inputs: the golden expectations, then fresh runs of the binary (from inside each case
# folder, as run_golden.sh does, and on the sample app).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for case in "$top"/tests/golden/*.d; do
  [ -f "$case/args" ] && grep -q -- '--format sarif' "$case/args" || continue
  n=$((n + 1))
  cp "$case/expected.out" "$tmp/$n.golden-$(basename "$case" .d).sarif"
  if [ $# -ge 1 ]; then
    bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    args=$(cat "$case/args")
    (cd "$case" && eval "\"$bin\" $args" > "$tmp/$n.fresh-$(basename "$case" .d).sarif" 2>/dev/null </dev/null)
  fi
done
if [ $# -ge 1 ]; then
  bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  (cd "$top/samples/stability-checkpoint" && "$bin" -q --format sarif > "$tmp/sample.sarif" </dev/null)
fi
node "$here/validate.js" "$dest" "$tmp"/*.sarif
