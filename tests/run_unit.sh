#!/bin/sh
# SPDX-License-Identifier: MIT
# run_unit.sh BUILD_DIR - run every cmocka unit binary of BUILD_DIR/tests and print
# "N passed, N failed" counted over the individual tests.
set -u
dir=${1:-build}
pass=0 fail=0
for t in "$dir"/tests/test_*; do
  case "$t" in *.d) continue ;; esac
  [ -x "$t" ] || continue
  out=$("$t" 2>&1); rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
  p=${p:-0} f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before its summary
  if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; echo "FAIL: $t" >&2; fi
  pass=$((pass + p)); fail=$((fail + f))
done
echo "unit ($dir): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
