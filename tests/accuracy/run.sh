#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh ALIGNRISK - the labeled accuracy corpus. Builds accuracy.c, checks corpus/ with
# ALIGNRISK at the default confidence and scores the findings against labels.json
# (precision >= 0.98, recall >= 0.95), then runs each mutation of labels.json: a copy of the
# corpus with one field definition blanked out, where every listed reference to that field
# must now be reported. Closes with "accuracy: N passed, N failed" (one check for each bar
# and one for each mutation); exits non-zero when any failed.
set -u
[ $# -eq 1 ] || { echo "usage: $0 ALIGNRISK" >&2; exit 2; }
[ -x "$1" ] && [ -f "$1" ] || { echo "$0: $1 is not an executable file" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); }
finish() { echo "accuracy: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

# shellcheck disable=SC2046
if ! ${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$tmp/accuracy" "$here/accuracy.c" $(pkg-config --cflags --libs libcjson); then
  echo "accuracy: cannot build accuracy.c"; ko; ko; finish
fi

# The corpus, as shipped.
# --no-config: no pyproject.toml above the corpus may change what is checked. With --quiet,
# anything on stderr (a sanitizer report, a crash) is a failure whatever the exit code.
"$bin" --no-config --format json --quiet "$here/corpus" >"$tmp/report.json" 2>"$tmp/err"
rc=$?
if { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; } || [ -s "$tmp/err" ]; then
  echo "accuracy: alignrisk exited $rc on the corpus"; cat "$tmp/err"; ko; ko
else
  "$tmp/accuracy" --corpus "$here/corpus" "$here/labels.json" "$tmp/report.json" >"$tmp/score"
  arc=$?
  cat "$tmp/score"
  if [ "$arc" -eq 2 ]; then ko; ko
  else
    if grep -q '^FAIL: precision' "$tmp/score"; then ko; else ok; fi
    if grep -q '^FAIL: recall' "$tmp/score"; then ko; else ok; fi
  fi
fi

# Mutations: blank the field's definition (lines keep their numbers), check every reference.
"$tmp/accuracy" --list-mutations "$here/labels.json" >"$tmp/mutations" || { ko; finish; }
while IFS="$(printf '\t')" read -r name file first last; do
  rm -rf "$tmp/m"
  cp -R "$here/corpus" "$tmp/m"
  awk -v a="$first" -v b="$last" 'NR >= a && NR <= b { print ""; next } { print }' "$here/corpus/$file" >"$tmp/m/$file"
  "$bin" --no-config --format json --quiet "$tmp/m" >"$tmp/mreport.json" 2>"$tmp/err"
  rc=$?
  if { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; } || [ -s "$tmp/err" ]; then
    echo "mutation $name: alignrisk exited $rc"; cat "$tmp/err"; ko; continue
  fi
  if "$tmp/accuracy" --mutation "$name" "$here/labels.json" "$tmp/mreport.json"; then ok; else ko; fi
done <"$tmp/mutations"
finish
