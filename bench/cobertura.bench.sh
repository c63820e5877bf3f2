#!/bin/sh
# SPDX-License-Identifier: MIT
# cobertura.bench.sh - how fast, and in how much memory, alignrisk reads a large Cobertura
# report, beside `xmllint --stream --noout` (libxml2's own streaming reader, doing nothing
# with the nodes) on the same file in the same run.
#
#   sh bench/cobertura.bench.sh            # 50 MB and 500 MB (about a minute)
#   BENCH_QUICK=1 sh bench/cobertura.bench.sh   # 5 MB and 20 MB
#   BENCH_SIZES="10 100" BENCH_RUNS=3 ...  # sizes in MB, rounds (best time kept; default 5)
#
# Reports come from bench/gen_cobertura.c (deterministic, shaped like `coverage xml
# --branch`) in a temporary folder that is removed at the end. "reader" is bench/cov_read.c:
# ar_cov_load and nothing else, linked against build/libalignrisk.a; "CLI" is the whole
# `alignrisk --coverage FILE` run on an empty folder. Each round runs the three once; time
# is the best wall-clock (date +%s%N around each run) and the best CPU time (user + system)
# over BENCH_RUNS rounds, peak RSS the largest seen (/usr/bin/time %M). CPU time is the
# steadier figure on a machine other jobs share. It prints, and
# never fails on a number: the bar (reader >= 0.7x xmllint's throughput, RSS at the largest
# size within 20 MiB of the smallest) is stated beside the table.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
runs=${BENCH_RUNS:-5}
if [ -n "${BENCH_SIZES:-}" ]; then sizes=$BENCH_SIZES
elif [ "${BENCH_QUICK:-0}" = 1 ]; then sizes="5 20"
else sizes="50 500"
fi

need() { # need COMMAND DEBIAN-PACKAGE: install it when we are root, else say what to run
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $2 (for $1)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1; }
  fi
  command -v "$1" >/dev/null 2>&1 || { echo "cobertura bench: needs $1 (apt-get install $2)" >&2; exit 1; }
}
need xmllint libxml2-utils
[ -x /usr/bin/time ] || need /usr/bin/time time
[ -f "$root/$B/libalignrisk.a" ] && [ -x "$root/$B/alignrisk" ] ||
  { echo "cobertura bench: build first (make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/alignrisk-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The same compiler flags and libraries as the Makefile (pkg-config, and tree-sitter-python
# from the system when it has it: otherwise its objects are inside libalignrisk.a).
pkgs="tree-sitter libxml-2.0 libcjson"
tspy=$(pkg-config --exists tree-sitter-python 2>/dev/null && pkg-config --libs tree-sitter-python || :)
cc=${CC:-cc}
$cc -O2 -std=c11 -Wall -Wextra -Werror -o "$tmp/gen" "$root/bench/gen_cobertura.c"
# shellcheck disable=SC2046
$cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$root/include" \
  $(pkg-config --cflags $pkgs) -o "$tmp/cov_read" "$root/bench/cov_read.c" \
  "$root/$B/libalignrisk.a" $tspy $(pkg-config --libs $pkgs) -pthread
mkdir "$tmp/empty"

# run1 KEY CMD...: one timed run of CMD; keeps the best wall-clock (KEY_s), the best CPU
# time, user + system (KEY_cpu), and the largest peak RSS (KEY_kib) over the rounds.
run1() {
  key=$1; shift
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
    { echo "cobertura bench: $* failed:" >&2; cat "$tmp/err" >&2; exit 1; }
  t1=$(date +%s%N)
  read -r u sy kib < "$tmp/t"
  eval "old_s=\${${key}_s:-} old_cpu=\${${key}_cpu:-} old_kib=\${${key}_kib:-0}"
  eval "${key}_s=$(awk -v a="${old_s}" -v t0="$t0" -v t1="$t1" \
    'BEGIN { s = (t1 - t0) / 1e9; printf "%.3f", (a != "" && a < s) ? a : s }')"
  eval "${key}_cpu=$(awk -v a="${old_cpu}" -v u="$u" -v s="$sy" \
    'BEGIN { c = u + s; printf "%.2f", (a != "" && a < c) ? a : c }')"
  [ "$kib" -gt "$old_kib" ] && eval "${key}_kib=$kib"
  return 0
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "Cobertura ingestion: alignrisk vs xmllint --stream --noout ($(xmllint --version 2>&1 | sed -n '1s/.*libxml version /libxml2 /p'); best of $runs rounds; $(nproc) CPUs; load $(cut -d' ' -f1 /proc/loadavg))"
printf '%9s %9s | %8s %9s %6s | %10s %11s %6s | %10s %11s | %7s %10s\n' size lines \
  "reader s" "xmllint s" ratio "reader cpu" "xmllint cpu" ratio "reader RSS" "xmllint RSS" \
  "CLI s" "CLI RSS"
first_rss= last_rss= worst_ratio= worst_cratio=
for mb in $sizes; do
  f="$tmp/cov-$mb.xml"
  "$tmp/gen" "$mb" "$f" 2>"$tmp/gen.out"
  lines=$(sed -n 's/.* \([0-9]*\) lines$/\1/p' "$tmp/gen.out")
  ar_s= ar_cpu= ar_kib=0 xl_s= xl_cpu= xl_kib=0 cli_s= cli_cpu= cli_kib=0
  # One untimed run each (page cache, CPU clock), then rounds of one run each, so that a
  # busy spell of the machine weighs on all three alike.
  "$tmp/cov_read" "$f" >/dev/null && xmllint --stream --noout "$f"
  r=0
  while [ $r -lt "$runs" ]; do
    run1 ar "$tmp/cov_read" "$f"
    run1 xl xmllint --stream --noout "$f"
    run1 cli "$root/$B/alignrisk" "$tmp/empty" --coverage "$f" -q
    r=$((r + 1))
  done
  ratio=$(awk -v a="$ar_s" -v x="$xl_s" 'BEGIN { printf "%.2f", (a > 0 ? x / a : 0) }')
  cratio=$(awk -v a="$ar_cpu" -v x="$xl_cpu" 'BEGIN { printf "%.2f", (a > 0 ? x / a : 0) }')
  printf '%6s MB %9s | %8s %9s %5sx | %10s %11s %5sx | %6s MiB %7s MiB | %7s %6s MiB\n' \
    "$mb" "$lines" "$ar_s" "$xl_s" "$ratio" "$ar_cpu" "$xl_cpu" "$cratio" \
    "$(mib "$ar_kib")" "$(mib "$xl_kib")" "$cli_s" "$(mib "$cli_kib")"
  [ -n "$first_rss" ] || first_rss=$ar_kib
  last_rss=$ar_kib
  worst_ratio=$(awk -v a="${worst_ratio:-$ratio}" -v b="$ratio" 'BEGIN { print (b < a ? b : a) }')
  worst_cratio=$(awk -v a="${worst_cratio:-$cratio}" -v b="$cratio" 'BEGIN { print (b < a ? b : a) }')
  rm -f "$f"
done
growth=$(awk -v a="$first_rss" -v b="$last_rss" 'BEGIN { printf "%.1f", (b - a) / 1024 }')
echo "bar: reader throughput >= 0.70x xmllint's: lowest ratio ${worst_ratio}x by wall-clock, ${worst_cratio}x by CPU time ($(awk -v r="$worst_ratio" 'BEGIN { print (r >= 0.7 ? "met" : "NOT met") }'))"
echo "bar: reader RSS growth from the smallest to the largest size <= 20 MiB: ${growth} MiB ($(awk -v g="$growth" 'BEGIN { print (g <= 20 ? "met" : "NOT met") }'))"
