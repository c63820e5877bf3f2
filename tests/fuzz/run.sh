#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh BUILD SECONDS TARGET... - run each libFuzzer harness BUILD/fuzz_<target> for
# SECONDS, starting from the committed seeds (tests/fuzz/corpus/<target>) and regression
# inputs (tests/fuzz/regressions/<target>); new inputs go to BUILD/corpus/<target>, crashes,
# leaks, timeouts and OOMs to BUILD/crashes/<target>/, the log to BUILD/logs/<target>.log.
# Prints one line per target: executions, coverage edges (cov: of libFuzzer's final
# status line), features, corpus size, seconds; then "fuzz: N passed, N failed".
set -u
build=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0

# Inputs longer than this are cut: each format's interesting structure fits well below,
# and short inputs keep executions fast. The per-input timeout catches hangs; a slow
# input of the size cap is a finding too.
max_len() {
  case $1 in
    pyproject) echo 4096 ;;
    lcov) echo 8192 ;;
    extract) echo 16384 ;;
    *) echo 16384 ;;
  esac
}

for t in "$@"; do
  bin=$build/fuzz_$t
  mkdir -p "$build/corpus/$t" "$build/crashes/$t" "$build/logs"
  log=$build/logs/$t.log
  seeds="$here/corpus/$t"
  regs="$here/regressions/$t"
  [ -d "$regs" ] || regs=""
  dict="$here/$t.dict"
  set -- -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/crashes/$t/" -close_fd_mask=1
  [ -f "$dict" ] && set -- "$@" -dict="$dict"
  # FUZZ_SEED: a fixed seed, so a smoke run (CI) explores the same inputs each time.
  [ -n "${FUZZ_SEED:-}" ] && set -- "$@" -seed="$FUZZ_SEED"
  # Files the harness writes (the history round trip): on a tmpfs when there is one, and
  # removed here, since a crashing harness cannot clean up after itself.
  shm=/dev/shm
  [ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
  FUZZ_TMPDIR=$(mktemp -d "$shm/alignrisk-fuzz.XXXXXX")
  export FUZZ_TMPDIR
  start=$(date +%s)
  # shellcheck disable=SC2086
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$bin" "$@" "$build/corpus/$t" "$seeds" $regs \
    >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  rm -rf "$FUZZ_TMPDIR"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED).*cov: ' "$log" | tail -n 1)
  cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(printf '%s\n' "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(printf '%s\n' "$last" | sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
  printf 'fuzz %-14s execs %10s  cov %6s  ft %6s  corpus %-12s %5ss' "$t" "${execs:-?}" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "$took"
  if [ "$rc" -eq 0 ]; then
    echo "  ok"
    pass=$((pass + 1))
  else
    echo "  FAILED (exit $rc): see $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz check failed|.*: runtime error:|artifact_prefix|Test unit written)' \
      "$log" | head -n 8
    fail=$((fail + 1))
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
