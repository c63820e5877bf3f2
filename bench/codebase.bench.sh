#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/codebase.bench.sh - a full `alignrisk check` beside a bare tree-sitter parse and
# cursor walk of the same files (bench/parse_only.c), in the same run, on (a) a generated
# SQLAlchemy codebase (bench/gen_codebase.c, ~1M lines, with coverage.xml and planted
# misalignments) and (b) this machine's Python standard library; then the peak RSS of a
# check of a 3.6M-line generated codebase. Times are the best of 5 rounds (2 on the large
# corpus), RSS the highest.
# Prints ratios; asserts no time. Exits 1 only when the findings on the generated corpus
# differ from the planted ones (a correctness bug, not a slow run).
#   BENCH_QUICK=1   ~50k-line corpus, one round, no 3.6M corpus
#   BENCH_LINES=N   size of corpus (a); BENCH_BIG_LINES=N (0 = skip) size of the RSS corpus
#   BENCH_ROUNDS=N  rounds on (a) and (b); BENCH_BIG_ROUNDS=N rounds on the large corpus
#   BENCH_STDLIB=D  the standard library folder (default: /usr/lib/python3.<minor> found here)
#   B=build         the build folder holding alignrisk and the grammar objects
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
AR=$B/alignrisk
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
  runs=${BENCH_ROUNDS:-1} lines=${BENCH_LINES:-50000} big=${BENCH_BIG_LINES:-0} big_runs=1
else
  # The best of several rounds: on a shared VM single runs vary by 5-10%.
  runs=${BENCH_ROUNDS:-5} lines=${BENCH_LINES:-1000000} big=${BENCH_BIG_LINES:-3600000}
  big_runs=${BENCH_BIG_ROUNDS:-2}
fi

if [ ! -x "$AR" ]; then
  echo "codebase.bench: $AR is missing; run make first" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "codebase.bench: /usr/bin/time is missing; run: apt-get install time" >&2
    exit 2
  fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/alignrisk-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM

# ---- build the two tools with the Makefile's flags and grammar -------------------------------
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
STD="-std=c11 -D_POSIX_C_SOURCE=200809L -D_GNU_SOURCE"
if pkg-config --exists tree-sitter-python 2>/dev/null; then
  grammar=$(pkg-config --libs tree-sitter-python)
else
  grammar="$B/ts/python_parser.o $B/ts/python_scanner.o"
fi
# shellcheck disable=SC2086,SC2046  # flag lists are meant to split
$CC $CFLAGS $STD $(pkg-config --cflags tree-sitter) -pthread -o "$tmp/parse_only" \
  "$here/parse_only.c" $grammar $(pkg-config --libs tree-sitter)
# shellcheck disable=SC2086
$CC $CFLAGS $STD -o "$tmp/gen_codebase" "$here/gen_codebase.c"
# A copy: a `make` elsewhere during the run cannot swap the binary between measurements.
cp "$AR" "$tmp/alignrisk"
AR=$tmp/alignrisk

# ---- measuring ------------------------------------------------------------------------------
# once DIR CMD...: runs CMD in DIR; sets t_s (wall seconds), t_cpu (user+system seconds) and
# t_kb (peak RSS, KiB). Output goes to /dev/null by redirection: `-o /dev/null` would make
# alignrisk rename a temporary file over the device node.
once() {
  dir=$1
  shift
  (cd "$dir" && /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr") || {
    rc=$?
    # no gate is set, so alignrisk has no reason to exit 1: any failure is an error
    echo "codebase.bench: '$*' failed ($rc):" >&2
    tail -5 "$tmp/stderr" >&2
    exit 2
  }
  read -r t_s t_kb u sy <"$tmp/time"
  t_cpu=$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

header() {
  printf '%-22s %6s %9s %7s  %-10s %7s %7s %9s %9s\n' corpus files lines MiB tool "1 job s" \
    "2 jobs s" "RSS1 MiB" "RSS2 MiB"
}

# corpus LABEL DIR PARSE_ARGS... -- ALIGNRISK_ARGS...: both tools at -j1 and -j2, $runs
# rounds, the four runs of a round one after the other (so a burst of load elsewhere on the
# machine hits both tools alike); best time and highest RSS of each; one table block.
corpus() {
  label=$1 dir=$2
  shift 2
  pargs='' aargs='' side=p
  for a in "$@"; do
    if [ "$a" = -- ]; then side=a; continue; fi
    if [ $side = p ]; then pargs="$pargs $a"; else aargs="$aargs $a"; fi
  done
  # shellcheck disable=SC2086
  (cd "$dir" && "$tmp/parse_only" -j1 $pargs) >"$tmp/counts"
  read -r _ nfiles _ nlines _ nbytes _ <"$tmp/counts"
  p1_s='' p1_cpu='' p1_kb=0 p2_s='' p2_kb=0 a1_s='' a1_cpu='' a1_kb=0 a2_s='' a2_kb=0
  round=0
  while [ $round -lt "$runs" ]; do
    # shellcheck disable=SC2086
    once "$dir" "$tmp/parse_only" -j1 $pargs
    p1_s=$(min "$p1_s" "$t_s") p1_cpu=$(min "$p1_cpu" "$t_cpu") p1_kb=$(max "$p1_kb" "$t_kb")
    # shellcheck disable=SC2086
    once "$dir" "$AR" -q --format json -j 1 $aargs
    a1_s=$(min "$a1_s" "$t_s") a1_cpu=$(min "$a1_cpu" "$t_cpu") a1_kb=$(max "$a1_kb" "$t_kb")
    # shellcheck disable=SC2086
    once "$dir" "$tmp/parse_only" -j2 $pargs
    p2_s=$(min "$p2_s" "$t_s") p2_kb=$(max "$p2_kb" "$t_kb")
    # shellcheck disable=SC2086
    once "$dir" "$AR" -q --format json -j 2 $aargs
    a2_s=$(min "$a2_s" "$t_s") a2_kb=$(max "$a2_kb" "$t_kb")
    round=$((round + 1))
  done
  printf '%-22s %6s %9s %7s  %-10s %7s %7s %9s %9s\n' "$label" "$nfiles" "$nlines" \
    "$(awk -v b="$nbytes" 'BEGIN { printf "%.1f", b / 1048576 }')" parse-only \
    "$p1_s" "$p2_s" "$(mib "$p1_kb")" "$(mib "$p2_kb")"
  printf '%-22s %6s %9s %7s  %-10s %7s %7s %9s %9s\n' "" "" "" "" alignrisk \
    "$a1_s" "$a2_s" "$(mib "$a1_kb")" "$(mib "$a2_kb")"
  printf '%-22s check/parse at 1 job %sx wall, %sx CPU (bar <= 1.25); alignrisk 1 -> 2 jobs %sx (bar >= 1.6)\n' \
    "" "$(ratio "$a1_s" "$p1_s")" "$(ratio "$a1_cpu" "$p1_cpu")" "$(ratio "$a1_s" "$a2_s")"
}

# ---- (a) the generated codebase ---------------------------------------------------------------
gen=$tmp/generated
"$tmp/gen_codebase" -n "$lines" "$gen" >"$tmp/gen.out"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "$(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$top" status --porcelain -- src include 2>/dev/null)" ] && rev="$rev+uncommitted"
echo "software: alignrisk $rev, $($CC --version | head -1)," \
  "libtree-sitter $(dpkg-query -W -f='${Version}' libtree-sitter0 2>/dev/null || echo '?')," \
  "$(awk '$1 == "tree-sitter-python" { print $1, $2 }' "$top/scripts/grammars.lock" 2>/dev/null)"
echo "generated: $(cat "$tmp/gen.out")"
echo "rounds: $runs (best time, highest RSS of each); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
header
corpus "generated" "$gen" . -- --coverage coverage.xml .

# Findings must be exactly the planted ones: same rule, file, line, class and attribute.
(cd "$gen" && "$AR" -q --format json --coverage coverage.xml . >"$tmp/findings.json") || true
awk '
  function val(key,   m) {   # the value of "key": "string" or "key": number on this line
    if (match($0, "\"" key "\": (\"[^\"]*\"|[0-9]+)")) {
      m = substr($0, RSTART + length(key) + 4, RLENGTH - length(key) - 4)
      gsub(/"/, "", m)
      return m
    }
    return ""
  }
  /"rule": "AR/ { print val("rule") "\t" val("file") "\t" val("line") "\t" val("class") "\t" val("attribute") }
' "$tmp/findings.json" | sort >"$tmp/found.tsv"
tail -n +2 "$gen/planted.tsv" | sort >"$tmp/planted.tsv"
missed=$(comm -23 "$tmp/planted.tsv" "$tmp/found.tsv" | wc -l)
extra=$(comm -13 "$tmp/planted.tsv" "$tmp/found.tsv" | wc -l)
bad=0
for r in AR101 AR102 AR103 AR104 AR105 AR201; do
  printf '%s planted %s found %s; ' "$r" "$(grep -c "^$r	" "$tmp/planted.tsv" || true)" \
    "$(grep -c "^$r	" "$tmp/found.tsv" || true)"
done
echo
echo "findings vs planted: $(wc -l <"$tmp/found.tsv") found, $(wc -l <"$tmp/planted.tsv") planted, $missed missed, $extra not planted"
if [ "$missed" -ne 0 ] || [ "$extra" -ne 0 ]; then
  bad=1
  comm -23 "$tmp/planted.tsv" "$tmp/found.tsv" | sed 's/^/  missed: /' | head -20
  comm -13 "$tmp/planted.tsv" "$tmp/found.tsv" | sed 's/^/  not planted: /' | head -20
fi
rm -rf "$gen"

# ---- (b) the Python standard library ---------------------------------------------------------
std=${BENCH_STDLIB:-}
if [ -z "$std" ]; then
  for d in /usr/lib/python3.*; do [ -f "$d/os.py" ] && std=$d; done
fi
echo
if [ -n "$std" ] && [ -d "$std" ]; then
  # One explicit file list for both tools: no site-/dist-packages, no test folders.
  (cd "$std" && find . \( -name site-packages -o -name dist-packages -o -name test -o -name tests \
    -o -name idle_test -o -name __pycache__ \) -prune -o -name '*.py' \( -type f -o -type l \) -print |
    sed 's|^\./||' | LC_ALL=C sort) >"$tmp/stdlib.list"
  oldifs=$IFS
  IFS='
'
  # shellcheck disable=SC2046  # one argument per line of the list
  set -- $(cat "$tmp/stdlib.list")
  IFS=$oldifs
  echo "stdlib: $std, $(wc -l <"$tmp/stdlib.list") files (site-packages, dist-packages, test folders left out)"
  header
  corpus "stdlib $(basename "$std")" "$std" --files-from "$tmp/stdlib.list" -- "$@"
else
  echo "stdlib: no /usr/lib/python3.* here; skipped"
fi

# ---- (c) peak RSS on a large generated codebase --------------------------------------------------
if [ "$big" -gt 0 ]; then
  "$tmp/gen_codebase" -n "$big" "$gen" >"$tmp/gen.out"
  echo
  echo "large: $(cat "$tmp/gen.out")"
  runs=$big_runs
  echo "rounds: $runs"
  header
  corpus "generated (large)" "$gen" . -- --coverage coverage.xml .
  awk -v a="$a1_kb" -v b="$a2_kb" 'BEGIN { m = a > b ? a : b;
    printf "%-22s alignrisk peak RSS %.1f MiB (bar < 300 MiB)\n", "", m / 1024 }'
  rm -rf "$gen"
fi
exit $bad
