#!/bin/sh
# SPDX-License-Identifier: MIT
# run_all.sh BUILD_DIR... - unit and end-to-end tests for each build folder, then one
# closing line "N passed, N failed" over all of them.
set -u
here=$(dirname "$0")
pass=0 fail=0
for b in "$@"; do
  for suite in unit golden scenarios accuracy sarif fuzz-replay hostile; do
    case $suite in
      unit) out=$("$here/run_unit.sh" "$b" 2>&1) ;;
      golden) out=$("$here/run_golden.sh" "$b/alignrisk" 2>&1) ;;
      scenarios) out=$("$here/run_scenarios.sh" "$b/alignrisk" 2>&1) ;;
      accuracy) out=$("$here/accuracy/run.sh" "$b/alignrisk" 2>&1) ;;
      sarif) out=$("$here/sarif/validate.sh" "$b/alignrisk" 2>&1) ;;
      fuzz-replay) out=$("$here/fuzz/replay.sh" "$b" 2>&1) ;;
      hostile) out=$("$here/run_hostile.sh" "$b/alignrisk" 2>&1) ;;
    esac
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    [ -n "$p" ] || { p=0; f=1; echo "$suite ($b): no summary line"; }
    pass=$((pass + p)); fail=$((fail + f))
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
