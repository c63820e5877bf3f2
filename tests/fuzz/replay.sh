#!/bin/sh
# SPDX-License-Identifier: MIT
# replay.sh BUILD - feed every seed (tests/fuzz/corpus/<target>/) and regression input
# (tests/fuzz/regressions/<target>/) to BUILD/fuzz/replay_<target>, the harness linked
# without libFuzzer. Counts inputs: "fuzz-replay (BUILD): N passed, N failed". When a
# target's replay dies, its inputs are replayed one by one to name each one that fails.
set -u
build=$1
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Leak checking stays on in ASan builds: a leak on bad input is a bug like any other.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

for bin in "$build"/fuzz/replay_*; do
  [ -x "$bin" ] || continue
  t=${bin##*/replay_}
  dirs=""
  for d in "$here/corpus/$t" "$here/regressions/$t"; do [ -d "$d" ] && dirs="$dirs $d"; done
  [ -n "$dirs" ] || continue
  # shellcheck disable=SC2086
  n=$(for d in $dirs; do find "$d" -maxdepth 1 -type f ! -name '.*'; done | wc -l)
  # shellcheck disable=SC2086
  if "$bin" -v $dirs >"$tmp/out" 2>"$tmp/err"; then
    pass=$((pass + n))
    continue
  fi
  echo "fuzz-replay $t: the replay died; $(grep -c '^replay: /' "$tmp/err") inputs in"
  tail -n 25 "$tmp/err"
  # shellcheck disable=SC2086
  for f in $(for d in $dirs; do find "$d" -maxdepth 1 -type f ! -name '.*'; done | sort); do
    if "$bin" "$f" >/dev/null 2>&1; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "fuzz-replay $t: FAILED ${f#"$here"/}"; fi
  done
done
echo "fuzz-replay ($(basename "$build")): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
