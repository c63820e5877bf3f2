#!/bin/sh
# SPDX-License-Identifier: MIT
# run_scenarios.sh ALIGNRISK - end-to-end scenarios that write files, so they cannot be
# golden cases: each copies a fixture to a temp folder and checks what the binary did
# to it (history recorded, kept, never half-written). Prints "N passed, N failed".
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
sample="$here/../samples/stability-checkpoint"
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "scenario $1: $2"; }

fresh() { rm -rf "$tmp/w" && mkdir -p "$tmp/w" && cp -r "$sample/app" "$sample/coverage.xml" "$sample/.alignrisk" "$tmp/w/"; }

# 1. --record appends a checkpoint; the next run sees its findings as persisting.
fresh
(cd "$tmp/w" && "$bin" -q --record week-4.5 --now 2025-11-18 >/dev/null); rc=$?
n=$(grep -c '"checkpoint": "week-4.5"' "$tmp/w/.alignrisk/history.json" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ "$n" -eq 1 ] && grep -q '"week-4"' "$tmp/w/.alignrisk/history.json"; then ok
else bad record "rc=$rc, week-4.5 entries=$n"; fi
out=$(cd "$tmp/w" && "$bin" -q --format json)
if printf '%s' "$out" | grep -q '"trend": "persisting", "first_seen": "week-4.5"' &&
   ! printf '%s' "$out" | grep -q '"trend": "new"'; then ok
else bad record-trend "findings are not persisting since week-4.5"; fi

# 2. Recording the same name again replaces it instead of duplicating it.
(cd "$tmp/w" && "$bin" -q --record week-4.5 --now 2025-11-18 >/dev/null)
n=$(grep -c '"checkpoint": "week-4.5"' "$tmp/w/.alignrisk/history.json")
if [ "$n" -eq 1 ]; then ok; else bad record-replace "week-4.5 recorded $n times"; fi

# 3. A history that does not parse is never overwritten, and the run exits 2 naming it.
fresh
printf '{"checkpoints": [\n  {"checkpoint": "week-4",\n' > "$tmp/w/.alignrisk/history.json"
cp "$tmp/w/.alignrisk/history.json" "$tmp/before.json"
err=$(cd "$tmp/w" && "$bin" -q --record week-5 2>&1 >/dev/null); rc=$?
if [ "$rc" -eq 2 ] && cmp -s "$tmp/before.json" "$tmp/w/.alignrisk/history.json" &&
   printf '%s' "$err" | grep -q '^.alignrisk/history.json:[0-9]*:[0-9]*: error:'; then ok
else bad corrupt-history "rc=$rc err=$err"; fi

# 4. Two processes recording at once both land.
fresh
(cd "$tmp/w" && "$bin" -q -j 1 --record run-a --now 2025-11-19 >/dev/null) &
(cd "$tmp/w" && "$bin" -q -j 1 --record run-b --now 2025-11-19 >/dev/null) &
wait
if grep -q '"run-a"' "$tmp/w/.alignrisk/history.json" && grep -q '"run-b"' "$tmp/w/.alignrisk/history.json"; then ok
else bad concurrent "one of two concurrent records was lost"; fi

# 5. A missing coverage file given explicitly: exit 2, the file named, nothing written.
fresh
err=$(cd "$tmp/w" && "$bin" --coverage missing.xml --record week-5 2>&1 >/dev/null); rc=$?
if [ "$rc" -eq 2 ] && printf '%s' "$err" | grep -q 'missing.xml' &&
   ! grep -q week-5 "$tmp/w/.alignrisk/history.json"; then ok
else bad missing-coverage "rc=$rc err=$err"; fi

# 6. --output writes the whole report to the file and nothing to stdout.
fresh
out=$(cd "$tmp/w" && "$bin" -q --format json -o report.json)
if [ -z "$out" ] && grep -q '"schema": "alignrisk/1"' "$tmp/w/report.json" && tail -c 2 "$tmp/w/report.json" | grep -q '}'; then ok
else bad output "report.json missing or stdout not empty"; fi

# 6b. --output to something that is not a regular file (a FIFO here; /dev/null in real
# use) writes through it and leaves it what it was: never renamed over.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" > "$tmp/fifo.out" &
reader=$!
(cd "$sample" && "$bin" -q --format json -o "$tmp/fifo" >/dev/null)
wait $reader
if [ -p "$tmp/fifo" ] && grep -q '"schema": "alignrisk/1"' "$tmp/fifo.out"; then ok
else bad output-fifo "the FIFO was replaced or got no report"; fi

# 7. The seed audit's gate: check --fail-over 1 exits 1 and says why.
out=$(cd "$sample" && "$bin" -q --fail-over 1); rc=$?
if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -q 'is over --fail-over 1'; then ok
else bad gate "rc=$rc"; fi

echo "scenarios ($(basename "$(dirname "$bin")")): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
