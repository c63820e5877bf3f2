#!/bin/sh
# SPDX-License-Identifier: MIT
# cobertura.bench.sh - how fast, and in how much memory, alignrisk reads a large Cobertura
# report, beside `xmllint --stream --noout` (libxml2's own streaming reader, doing nothing
# with the nodes) on the same file in the same run.
#
#   sh bench/cobertura.bench.sh            # 50 MB and 500 MB (about a minute)
#   BENCH_QUICK=1 sh bench/cobertura.bench.sh   # 5 MB and 20 MB
#   BENCH_SIZES="10 100" BENCH_RUNS=5 ...  # sizes in MB, runs per tool (best time kept)
#
# Reports come from bench/gen_cobertura.c (deterministic, shaped like `coverage xml
# --branch`) in a temporary folder that is removed at the end. "reader" is bench/cov_read.c:
# ar_cov_load and nothing else, linked against build/libalignrisk.a; "CLI" is the whole
# `alignrisk --coverage FILE` run on an empty folder. Time is the best wall-clock of
# BENCH_RUNS runs (date +%s%N around each), peak RSS the largest seen (/usr/bin/time %M). It prints, and
# never fails on a number: the bar (reader >= 0.7x xmllint's throughput, RSS at the largest
# size within 20 MiB of the smallest) is stated beside the table.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
runs=${BENCH_RUNS:-3}
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

# measure NAME CMD...: run CMD $runs times; sets best_s and peak_kib.
measure() {
  best_s= peak_kib=0
  i=0
  while [ $i -lt "$runs" ]; do
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
      { echo "cobertura bench: $* failed:" >&2; cat "$tmp/err" >&2; exit 1; }
    t1=$(date +%s%N)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    read -r kib < "$tmp/t"
    best_s=$(awk -v a="${best_s:-$s}" -v b="$s" 'BEGIN { print (b < a ? b : a) }')
    [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
    i=$((i + 1))
  done
}

echo "Cobertura ingestion: alignrisk vs xmllint --stream --noout ($(xmllint --version 2>&1 | sed -n '1s/.*libxml version /libxml2 /p'); best of $runs runs; $(nproc) CPUs)"
printf '%8s %10s | %9s %9s %9s | %11s %11s | %7s %11s\n' \
  size lines "reader s" "xmllint s" "ratio" "reader RSS" "xmllint RSS" "CLI s" "CLI RSS"
first_rss= last_rss= worst_ratio=
for mb in $sizes; do
  f="$tmp/cov-$mb.xml"
  "$tmp/gen" "$mb" "$f" 2>"$tmp/gen.out"
  lines=$(sed -n 's/.* \([0-9]*\) lines$/\1/p' "$tmp/gen.out")
  # Alternate the tools so that a busy machine weighs on both alike.
  measure "$tmp/cov_read" "$f"; ar_s=$best_s ar_kib=$peak_kib
  measure xmllint --stream --noout "$f"; xl_s=$best_s xl_kib=$peak_kib
  measure "$root/$B/alignrisk" "$tmp/empty" --coverage "$f" -q; cli_s=$best_s cli_kib=$peak_kib
  ratio=$(awk -v a="$ar_s" -v x="$xl_s" 'BEGIN { printf "%.2f", (a > 0 ? x / a : 0) }')
  printf '%6s MB %10s | %9s %9s %8sx | %7.1f MiB %7.1f MiB | %7s %7.1f MiB\n' "$mb" "$lines" \
    "$ar_s" "$xl_s" "$ratio" "$(awk -v k="$ar_kib" 'BEGIN{print k/1024}')" \
    "$(awk -v k="$xl_kib" 'BEGIN{print k/1024}')" "$cli_s" "$(awk -v k="$cli_kib" 'BEGIN{print k/1024}')"
  [ -n "$first_rss" ] || first_rss=$ar_kib
  last_rss=$ar_kib
  worst_ratio=$(awk -v a="${worst_ratio:-$ratio}" -v b="$ratio" 'BEGIN { print (b < a ? b : a) }')
  rm -f "$f"
done
growth=$(awk -v a="$first_rss" -v b="$last_rss" 'BEGIN { printf "%.1f", (b - a) / 1024 }')
echo "bar: reader throughput >= 0.70x xmllint's: lowest ratio ${worst_ratio}x ($(awk -v r="$worst_ratio" 'BEGIN { print (r >= 0.7 ? "met" : "NOT met") }'))"
echo "bar: reader RSS growth from the smallest to the largest size <= 20 MiB: ${growth} MiB ($(awk -v g="$growth" 'BEGIN { print (g <= 20 ? "met" : "NOT met") }'))"
