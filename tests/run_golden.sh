#!/bin/sh
# SPDX-License-Identifier: MIT
# run_golden.sh ALIGNRISK - end-to-end tests. Each tests/golden/<case>.d/ holds `args`
# (the command line, run from inside the case folder), the Python tree and inputs it
# names, `expected.out` (stdout), optionally `expected.err` (stderr) and `expected.exit`
# (default 0). UPDATE=1 rewrites the expected files for review in the diff.
set -u
unset GITHUB_STEP_SUMMARY # the github format appends there: never to a real CI summary
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/golden" && pwd)
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for case in "$root"/*.d; do
  [ -d "$case" ] || continue
  name=$(basename "$case" .d)
  args=$(cat "$case/args")
  want_exit=0
  [ -f "$case/expected.exit" ] && want_exit=$(cat "$case/expected.exit")
  # shellcheck disable=SC2086
  (cd "$case" && NO_COLOR=1 eval "\"$bin\" $args" >"$tmp/out" 2>"$tmp/err" </dev/null)
  rc=$?
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$tmp/out" "$case/expected.out"
    if [ -s "$tmp/err" ]; then cp "$tmp/err" "$case/expected.err"; else rm -f "$case/expected.err"; fi
    if [ "$rc" -ne 0 ]; then echo "$rc" > "$case/expected.exit"; else rm -f "$case/expected.exit"; fi
    pass=$((pass + 1)); continue
  fi
  ok=1
  if [ "$rc" -ne "$want_exit" ]; then echo "golden $name: exit $rc, expected $want_exit"; ok=0; fi
  if [ "$rc" -gt 2 ]; then echo "golden $name: crashed"; cat "$tmp/err"; ok=0; fi
  if ! diff -u "$case/expected.out" "$tmp/out" >"$tmp/diff"; then
    echo "golden $name: stdout differs"; head -n 60 "$tmp/diff"; ok=0; fi
  want_err=/dev/null
  [ -f "$case/expected.err" ] && want_err="$case/expected.err"
  if ! diff -u "$want_err" "$tmp/err" >"$tmp/diff"; then
    echo "golden $name: stderr differs"; head -n 30 "$tmp/diff"; ok=0; fi
  if [ "$ok" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "golden ($(basename "$(dirname "$bin")")): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
