#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/run.sh - `make bench`: run every bench/*.bench.sh in name order. Each prints its
# own table (alignrisk beside a reference tool, measured in the same run) and ratios;
# none of them asserts a time. BENCH_QUICK=1 asks each for a small size.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
status=0
for b in "$here"/*.bench.sh; do
  [ -f "$b" ] || continue
  echo "== $(basename "$b" .bench.sh)"
  sh "$b" || status=1
  echo
done
exit $status
