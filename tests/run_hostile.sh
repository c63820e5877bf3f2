#!/bin/sh
# SPDX-License-Identifier: MIT
# run_hostile.sh ALIGNRISK - end-to-end runs over hostile trees, each generated in a temp
# folder at test time (nothing big is committed), and the history's no-data-lost promises.
# A tree case puts the hostile files beside an ordinary project (the golden case
# ar101_write_flagged: one AR101 finding) and checks that the run finishes under `timeout`,
# exits 0 or 1 (no crash, no usage error), says on stderr what it skipped and why, and
# reports exactly the findings it reports on the ordinary project alone. Variants of an
# ordinary file (BOM, CRLF, tabs) must give that file's findings at the same lines.
# Prints "hostile (BUILD): N passed, N failed". HOSTILE_FILES=N changes the 100,000.
set -u
unset GITHUB_STEP_SUMMARY
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
build=$(basename "$(dirname "$bin")")
here=$(cd "$(dirname "$0")" && pwd)
ordinary="$here/golden/ar101_write_flagged.d/tree"
sample="$here/../samples/stability-checkpoint"
limit=${HOSTILE_TIMEOUT:-60}
nfiles=${HOSTILE_FILES:-100000}
pass=0 fail=0 mnt=""
# On a tmpfs when there is a roomy one: creating 100,000 files on a VM's disk can take
# 40 s of system time, on /dev/shm one second. Peak use is about 600 MB.
base=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 2000000 ] 2>/dev/null; then
  base=/dev/shm
fi
tmp=$(mktemp -d "$base/alignrisk-hostile.XXXXXX")
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  chmod -R u+rwx "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "hostile $1: $2"; [ -s "$tmp/err" ] && head -n 5 "$tmp/err"; }

# Root reads files whatever their mode: the permission cases then run as nobody, when
# setpriv can drop to it (else they use what stops root too: links that lead nowhere).
asuser=""
if [ "$(id -u)" = 0 ] && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi

# run DIR [OPTIONS...]: check DIR from inside it, report as GitLab JSON (findings only, no
# file counts) to $tmp/out, stderr to $tmp/err, exit code in $rc.
run() {
  d=$1
  shift
  # shellcheck disable=SC2086 # $runas is a command prefix, or nothing
  (cd "$d" && NO_COLOR=1 timeout "$limit" $runas "$bin" --no-config -j 2 --format gitlab "$@" . \
    >"$tmp/out" 2>"$tmp/err" </dev/null)
  rc=$?
}
runas="" opts=""

# The findings of a GitLab report, one per line, without the trailing commas of the array.
findings() { grep '"check_name"' "$1" | sed 's/},$/}/'; }
# Rule and line of each finding in file $2 of report $1 ("AR101 11"): for comparing a
# variant of a file with the original, whose path (so fingerprint) differs.
rule_lines() {
  grep "\"path\": \"$2\"" "$1" | sed -n 's/.*"check_name": "\([^"]*\)".*"begin": \([0-9]*\).*/\1 \2/p'
}

mkdir -p "$tmp/base"
cp -r "$ordinary/app" "$tmp/base/"
run "$tmp/base"
if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ] || [ "$(findings "$tmp/out" | wc -l)" -ne 1 ]; then
  bad baseline "rc=$rc: the ordinary project alone should give 1 finding and no warning"
fi
findings "$tmp/out" > "$tmp/baseline"
rule_lines "$tmp/out" app/services/billing.py > "$tmp/billing.rules"
svc="$tmp/base/app/services/billing.py"

# fresh: a copy of the ordinary project in $tmp/case, with an empty hostile/ beside app/.
fresh() {
  chmod -R u+rwx "$tmp/case" 2>/dev/null
  rm -rf "$tmp/case"
  mkdir -p "$tmp/case/hostile"
  cp -r "$tmp/base/app" "$tmp/case/"
  w=$tmp/case/hostile
}

# check NAME [EGREP...]: run the case; exit 0/1, the ordinary findings unchanged, and each
# pattern found on stderr. Findings in hostile/ are compared separately (variant).
check() {
  name=$1
  shift
  # shellcheck disable=SC2086 # $opts: options for this case, words
  run "$tmp/case" $opts
  why=""
  case $rc in
    0 | 1) ;;
    124) why="timed out after ${limit}s" ;;
    *) why="exit $rc" ;;
  esac
  findings "$tmp/out" | grep -v '"path": "hostile/' > "$tmp/now"
  [ -z "$why" ] && ! cmp -s "$tmp/baseline" "$tmp/now" && why="findings on the ordinary files changed"
  for pat in "$@"; do
    [ -z "$why" ] && ! grep -Eq -- "$pat" "$tmp/err" && why="stderr lacks /$pat/"
  done
  if [ -z "$why" ] && grep -q ': error: ' "$tmp/err"; then why="an error on stderr"; fi
  if [ -z "$why" ]; then ok; else bad "$name" "$why"; fi
}

# variant NAME FILE: hostile/FILE must have billing.py's findings, at the same lines.
variant() {
  rule_lines "$tmp/out" "hostile/$2" > "$tmp/variant.rules"
  if cmp -s "$tmp/billing.rules" "$tmp/variant.rules"; then ok
  else bad "$1" "findings in hostile/$2 differ from billing.py's: $(tr '\n' ' ' < "$tmp/variant.rules")"; fi
}

# ---- trees ------------------------------------------------------------------------------

# A folder link to its parent, one to itself, a loop of file links: never followed.
fresh
ln -s .. "$w/parent"
ln -s . "$w/self"
ln -s b.py "$w/a.py"
ln -s a.py "$w/b.py"
check symlink-loop 'hostile/parent: warning: link to a folder; not followed' \
  'hostile/a.py: warning: cannot follow the link: Too many levels of symbolic links; skipped'

# A dangling link named .py, and a link to a FIFO.
fresh
ln -s missing.py "$w/dangling.py"
mkfifo "$w/fifo"
ln -s fifo "$w/to_fifo.py"
check dangling-links 'hostile/dangling.py: warning: cannot follow the link: No such file or directory; skipped' \
  'hostile/to_fifo.py: warning: link to a FIFO, not a file; skipped'

# A FIFO named x.py: reading it would wait for a writer forever.
fresh
mkfifo "$w/x.py"
check fifo 'hostile/x.py: warning: a FIFO, not a file; skipped'

# An unreadable file and an unreadable folder (as nobody when we are root).
fresh
cp "$svc" "$w/secret.py"
mkdir "$w/locked"
cp "$svc" "$w/locked/inside.py"
chmod 000 "$w/secret.py" "$w/locked"
chmod -R a+rX "$tmp/case/app" && chmod a+rx "$tmp" "$tmp/case" "$w"
# shellcheck disable=SC2086
if [ "$(id -u)" != 0 ] ||
   { [ -n "$asuser" ] && $asuser test -r "$tmp/case/app/models.py" -a -x "$bin"; }; then
  [ "$(id -u)" = 0 ] && runas=$asuser
  check unreadable 'hostile/secret.py: warning: cannot read: Permission denied; skipped' \
    'hostile/locked: warning: cannot read folder: Permission denied; skipped'
  runas=""
else
  echo "hostile unreadable: note: root, and nobody cannot reach $tmp or $bin: chmod cannot stop root; dangling-links and path-too-long stand in"
fi

# A folder whose path is longer than PATH_MAX: unreadable even for root.
fresh
( cd "$w" && long=$(printf 'd%.0s' $(seq 1 200)) &&
  for _ in $(seq 1 22); do mkdir "$long" && cd -P "$long" || exit 1; done && cp "$svc" deep.py )
check path-too-long 'warning: cannot read: File name too long; skipped'

# Folders nested deeper than the scan goes.
fresh
( cd "$w" && for _ in $(seq 1 70); do mkdir n && cd n || exit 1; done && cp "$svc" deep.py )
check deep-folders 'warning: folders nested more than 64 deep: not scanned further'

# A binary file named .py (the first 64 KiB of an executable) and NUL bytes in source.
fresh
head -c 65536 "$bin" > "$w/binary.py"
{ printf 'x = 1\n'; printf 'y = "\000"\n'; } > "$w/nul.py"
check binary 'hostile/binary.py: warning: binary file \(NUL byte\); skipped' \
  'hostile/nul.py: warning: binary file \(NUL byte\); skipped'

# Not UTF-8 (Latin-1 in a comment), an empty file.
fresh
{ printf '# caf\351\n'; cat "$svc"; } > "$w/latin1.py"
: > "$w/empty.py"
check non-utf8 'hostile/latin1.py:1: warning: not valid UTF-8 \(byte offset 5\); skipped'
if grep -q 'empty.py' "$tmp/err"; then bad empty "a warning about an empty file"; else ok; fi

# A UTF-8 byte order mark, CRLF line ends, tab indentation: read as the plain file.
fresh
{ printf '\357\273\277'; cat "$svc"; } > "$w/bom.py"
sed 's/$/\r/' "$svc" > "$w/crlf.py"
sed -e ':a' -e 's/^\(\t*\)    /\1\t/' -e 'ta' "$svc" > "$w/tabs.py"
check bom-crlf-tabs
[ -s "$tmp/err" ] && bad bom-crlf-tabs "unexpected warnings"
variant bom bom.py
variant crlf crlf.py
variant tabs tabs.py

# A 50 MB file is skipped with a warning (over the 16 MiB cap: tree-sitter needs ~150
# bytes of tree per byte of dense source, gigabytes for such a file), as is one past it
# that is sparse (no disk). A 12 MB file (a generated docstring, then the service's code)
# is read whole: its finding at the end is there.
fresh
{ echo '"""Generated data.'; yes 'abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz' |
    head -c 52000000; echo '"""'; cat "$svc"; } > "$w/big.py"
{ echo '"""Generated data.'; yes 'abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz' |
    head -c 12000000; echo '"""'; cat "$svc"; } > "$w/large.py"
truncate -s 65M "$w/huge.py"
check big-files 'hostile/big.py: warning: larger than 16 MiB; skipped'
grep -q 'hostile/huge.py: warning: larger than 16 MiB; skipped' "$tmp/err" || bad big-files "huge.py not skipped with a warning"
if [ "$(rule_lines "$tmp/out" hostile/large.py | wc -l)" -eq 1 ]; then ok
else bad big-files "the finding at the end of the 12 MB file is missing"; fi

# 70,000 comment lines in a row: tree-sitter 0.20.7 would corrupt its tree and crash
# freeing it (tree-sitter#2134), so such a file is skipped, saying why. 50,000 are read.
fresh
awk 'BEGIN { for (i = 0; i < 70000; i++) print "# generated"; print "x = 1" }' > "$w/flood.py"
{ awk 'BEGIN { for (i = 0; i < 50000; i++) print "# generated" }'; cat "$svc"; } > "$w/many_comments.py"
check comment-flood 'hostile/flood.py: warning: 70000 comment-only lines: .*tree-sitter issue #2134\); skipped'
if [ "$(rule_lines "$tmp/out" hostile/many_comments.py | wc -l)" -eq 1 ]; then ok
else bad comment-flood "50,000 comment lines and the service: its finding is missing"; fi

# A 2 MB single line: a data literal, and a 500,000-term sum (left-nested that deep).
fresh
awk 'BEGIN { printf "DATA = ["; for (i = 0; i < 700000; i++) printf "1, "; print "]" }' > "$w/line.py"
awk 'BEGIN { printf "x = a"; for (i = 0; i < 500000; i++) printf " + a"; print "" }' > "$w/sum.py"
check long-line 'hostile/sum.py: warning: nesting deeper than 400 levels'

# Expressions nested 20,000 deep, every way the grammar nests.
fresh
awk -v n=20000 'function rep(s, k,   o) { o = ""; while (k-- > 0) o = o s; return o }
  BEGIN {
    print "a = " rep("(", n) "1" rep(")", n)
    print "b = " rep("[", n) "1" rep("]", n)
    print "c = " rep("{1: ", n) "1" rep("}", n)
    print "d = " rep("f(", n) "1" rep(")", n)
    print "e = x" rep(".y", n)
    print "f = x" rep("[0]", n)
    print "g = " rep("-", n) "1"
    print "h = " rep("not ", n) "1"
    print "i = " rep("1 if c else ", n) "1"
    print "j = " rep("lambda: ", n) "1"
    print "async def k():"
    print "    return " rep("await ", n) "g()"
  }' > "$w/deep.py"
check nested-20000 'hostile/deep.py: warning: nesting deeper than 400 levels'

# 100,000 tiny files (HOSTILE_FILES), 100 folders.
fresh
( cd "$w" && mkdir $(seq -f 'd%02g' 0 99) &&
  awk -v n="$nfiles" 'BEGIN { for (i = 0; i < n; i++) { f = sprintf("d%02d/m%06d.py", i % 100, i);
    print "x = " i > f; close(f) } }' )
check many-files
if [ -s "$tmp/err" ]; then bad many-files "unexpected warnings"; fi

# Files that vanish, or turn into a FIFO, during the run. The tree: 20,000 tiny files in
# hostile/aaa/ (parsing them takes a second or more, the scan milliseconds), and files
# sorted before or after them that are deleted or swapped for a FIFO once the run has
# started. Timing-based: a run where the swap did not land where it should is repeated
# with another delay, and said so when it never did.
#  vanish: zz_*.py listed by the scan, gone when the parser gets to them.
#  swapped-for-fifo: zz_*.py (no findings) a FIFO when the parser gets to them: a plain
#    open() would wait for a writer forever.
#  swapped-after-parse: aa_*.py (a finding) parsed, then a FIFO when the align stage
#    reopens it for its source line (align.c opens non-blocking, regular files only).
mkdir -p "$tmp/slow"
( cd "$tmp/slow" && mkdir aaa && cd aaa && mkdir $(seq -f 'd%02g' 0 19) &&
  awk 'BEGIN { for (i = 0; i < 20000; i++) { f = sprintf("d%02d/m%05d.py", i % 20, i);
    print "y = " i > f; close(f) } }' )
timed_case() {
  name=$1 action=$2 want=$3 tlimit=$4
  seen=0
  for delay in 0.3 0.1 0.8; do
    fresh
    mv "$tmp/slow/aaa" "$w/aaa"
    case $action in
      delete) for i in 1 2 3; do cp "$svc" "$w/zz_vanish$i.py"; done ;;
      fifo) for i in 1 2 3; do echo "x = $i" > "$w/zz_vanish$i.py"; done ;;
      after-parse) cp "$svc" "$w/aa_swapped.py" ;;
    esac
    (cd "$tmp/case" && NO_COLOR=1 timeout "$tlimit" "$bin" --no-config -j 1 --format gitlab . \
      >"$tmp/out" 2>"$tmp/err" </dev/null) &
    pid=$!
    sleep "$delay"
    case $action in
      delete) rm -f "$w"/zz_vanish*.py ;;
      fifo) for i in 1 2 3; do rm -f "$w/zz_vanish$i.py" && mkfifo "$w/zz_vanish$i.py"; done ;;
      after-parse) rm -f "$w/aa_swapped.py" && mkfifo "$w/aa_swapped.py" ;;
    esac
    wait "$pid"
    rc=$?
    mv "$w/aaa" "$tmp/slow/aaa"
    if grep -Eq "$want" "$tmp/err"; then seen=1; break; fi
    [ "$rc" -le 1 ] || break
  done
  why=""
  case $rc in 0 | 1) ;; 124) why="timed out after ${tlimit}s (a hang)" ;; *) why="exit $rc" ;; esac
  findings "$tmp/out" | grep -v '"path": "hostile/' > "$tmp/now"
  [ -z "$why" ] && ! cmp -s "$tmp/baseline" "$tmp/now" && why="findings on the ordinary files changed"
  if [ -z "$why" ]; then
    ok
    [ "$seen" = 1 ] || echo "hostile $name: note: the swap never landed in its window (best effort)"
  else
    bad "$name" "$why"
  fi
}
timed_case vanish delete 'hostile/zz_vanish[0-9].py: warning: cannot read: No such file or directory; skipped' "$limit"
timed_case swapped-for-fifo fifo 'hostile/zz_vanish[0-9].py: warning: not a regular file; skipped' "$limit"
timed_case swapped-after-parse after-parse 'hostile/aa_swapped.py: warning: ' 10

# FIFOs where alignrisk reads its inputs: the default coverage.xml and history.json.
fresh
mkfifo "$tmp/case/coverage.xml"
run "$tmp/case"
if [ "$rc" -eq 2 ] && grep -q '^coverage.xml:1: error: not a coverage report (the file is empty)' "$tmp/err"; then ok
else bad fifo-coverage "rc=$rc: a FIFO coverage.xml must not block the run"; fi
fresh
mkdir "$tmp/case/.alignrisk"
mkfifo "$tmp/case/.alignrisk/history.json"
run "$tmp/case" --record week-1
if [ "$rc" -eq 2 ] && grep -q '^.alignrisk/history.json:1:1: error: invalid JSON' "$tmp/err" &&
   [ -p "$tmp/case/.alignrisk/history.json" ]; then ok
else bad fifo-history "rc=$rc: a FIFO history.json must not block the run, nor be replaced"; fi

# Inputs that once took time quadratic in their size, each under a 15 s budget (they now
# take well under a second): an LCOV tracefile of 400,000 lines with its DA records in
# reverse (was 22 s), and a 9 MB hand-written history of two 60,000-entry checkpoints
# without fingerprints, read by a check and by `alignrisk history` (was 26 s each).
fresh
awk 'BEGIN { print "SF:app/models.py"; for (i = 1; i <= 400000; i++) print "BRDA:" i ",0,0,1";
  for (i = 400000; i >= 1; i--) print "DA:" i ",1"; print "end_of_record" }' > "$tmp/case/cov.lcov"
awk 'BEGIN { printf "{\"checkpoints\": ["; for (c = 0; c < 2; c++) { if (c) printf ", ";
  printf "{\"checkpoint\": \"w%d\", \"findings\": [", c; for (i = 0; i < 60000; i++) { if (i) printf ", ";
  printf "{\"rule\": \"AR101\", \"model\": \"M%d\", \"field\": \"f\", \"service\": \"s.py\"}", i + c }
  printf "]}" } print "]}" }' > "$tmp/case/history.json"
limit_was=$limit
limit=15
opts="--coverage cov.lcov"
check lcov-reversed
opts="--history history.json"
check history-large
opts=""
(cd "$tmp/case" && timeout "$limit" "$bin" history --history history.json >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^w1 .* 60000 ' "$tmp/out"; then ok; else bad history-table-large "rc=$rc"; fi
limit=$limit_was

# ---- no data lost: the history ---------------------------------------------------------

hfresh() {
  rm -rf "$tmp/h"
  mkdir -p "$tmp/h"
  cp -r "$sample/app" "$sample/.alignrisk" "$tmp/h/"
  hist=$tmp/h/.alignrisk/history.json
}
# kept NAME EGREP: a --record refused with exit 2 and an error matching EGREP, the
# history byte for byte what it was, no temp file left beside it.
kept() {
  cp "$hist" "$tmp/before"
  (cd "$tmp/h" && timeout "$limit" "$bin" --no-config -q --record week-9 --now 2025-12-01 \
    >/dev/null 2>"$tmp/err" </dev/null)
  rc=$?
  left=$(find "$(dirname "$hist")" -name '*.tmp*' | wc -l)
  if [ "$rc" -eq 2 ] && cmp -s "$tmp/before" "$hist" && [ "$left" -eq 0 ] && grep -Eq -- "$2" "$tmp/err"; then ok
  else bad "$1" "rc=$rc, $( cmp -s "$tmp/before" "$hist" && echo kept || echo CHANGED), $left temp files"; fi
}

# Truncated: cut in the middle of a checkpoint, and cut to its first byte.
hfresh
size=$(wc -c < "$hist")
head -c $((size / 2)) "$sample/.alignrisk/history.json" > "$hist"
kept truncated-half '^.alignrisk/history.json:[0-9]+:[0-9]+: error: invalid JSON'
head -c 1 "$sample/.alignrisk/history.json" > "$hist"
kept truncated-1-byte '^.alignrisk/history.json:[0-9]+:[0-9]+: error: invalid JSON'

# Wrong types where the reader expects something else, and a newer schema.
for doc in '{"checkpoints": {}}' '{"checkpoints": [{"checkpoint": 4, "findings": []}]}' \
  '{"checkpoints": [{"checkpoint": "w", "findings": "x"}]}' '42' 'null' '[1, 2]' \
  '{"schema": 5, "checkpoints": []}' '{"schema": "alignrisk-history/9", "checkpoints": []}' \
  '{"checkpoints": [{"checkpoint": "w", "findings": [{"rule": 101, "model": "M", "field": "f"}]}]}' \
  '{"checkpoints": [{"checkpoint": "w", "totals": {"risk": "high"}, "findings": []}]}'; do
  hfresh
  printf '%s\n' "$doc" > "$hist"
  kept "wrong-typed $doc" '^.alignrisk/history.json: error: '
done

# A write that fails. As root: a 64 KiB tmpfs, filled up. Anywhere: a file size limit
# (ulimit -f) below the new history's size. Both: the old history intact, no temp file;
# with room again, the same record lands.
disk_full() {
  hfresh
  mnt=$tmp/h/.alignrisk
  if ! mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then mnt=""; return 1; fi
  cp "$sample/.alignrisk/history.json" "$hist"
  dd if=/dev/zero of="$mnt/filler" bs=1024 count=1024 2>/dev/null # stops at ENOSPC
  kept disk-full '^.alignrisk/history.json: error: cannot write .*No space left on device'
  rm -f "$mnt/filler"
  (cd "$tmp/h" && "$bin" --no-config -q --record week-9 --now 2025-12-01 >/dev/null 2>&1)
  if grep -q '"week-9"' "$hist" && grep -q '"week-4"' "$hist"; then ok
  else bad disk-full-then-room "the record did not land once there was room"; fi
  umount "$mnt" && mnt=""
}
if [ "$(id -u)" = 0 ]; then
  disk_full || echo "hostile disk-full: cannot mount a tmpfs here; the file size limit below stands in"
fi
hfresh
cp "$hist" "$tmp/before"
( trap '' XFSZ; ulimit -f 2; cd "$tmp/h" &&
  exec timeout "$limit" "$bin" --no-config -q --record week-9 --now 2025-12-01 >/dev/null 2>"$tmp/err" </dev/null )
rc=$?
left=$(find "$tmp/h/.alignrisk" -name '*.tmp*' | wc -l)
if [ "$rc" -eq 2 ] && cmp -s "$tmp/before" "$hist" && [ "$left" -eq 0 ] &&
   grep -q 'error: cannot write .*File too large' "$tmp/err"; then ok
else bad file-size-limit "rc=$rc, $(cmp -s "$tmp/before" "$hist" && echo kept || echo CHANGED), $left temp files"; fi

# The report itself to a full device: exit 2 and say so, on stdout and with -o.
(cd "$sample" && "$bin" --no-config -q >/dev/full 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 2 ] && grep -q 'cannot write the report: No space left on device' "$tmp/err"; then ok
else bad stdout-full "rc=$rc"; fi
(cd "$sample" && "$bin" --no-config -q -o /dev/full 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 2 ] && grep -q '/dev/full: error: cannot write the report' "$tmp/err" && [ -c /dev/full ]; then ok
else bad output-full "rc=$rc"; fi

echo "hostile ($build): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
