#!/bin/sh
# SPDX-License-Identifier: MIT
# memcheck.sh ALIGNRISK - valgrind memcheck over the demo (samples/stability-checkpoint),
# the golden end-to-end suite and the scenarios (the runs that write the history). A
# wrapper named alignrisk runs each process under valgrind with its own log; a process
# passes when its log is empty (no invalid access, no uninitialised use, no definite or
# indirect leak) and it did not exit with valgrind's error code. The suites must pass
# under valgrind as well. AR_ARENA_DEBUG=1 gives every arena allocation its own block, so
# memcheck sees overruns inside the arena too. Prints "memcheck: N passed, N failed",
# counting processes and suites.
set -u
unset GITHUB_STEP_SUMMARY
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "memcheck: installing valgrind" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
  fi
  command -v valgrind >/dev/null 2>&1 ||
    { echo "memcheck: valgrind is missing; run as root: apt-get install -y valgrind"; echo "memcheck: 0 passed, 1 failed"; exit 1; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/logs" "$tmp/bin"
pass=0 fail=0

# Exit code 99 is valgrind's (errors found); the program's own codes are 0, 1 and 2, so
# the golden suite, which checks them, fails on it as well.
cat > "$tmp/bin/alignrisk" <<EOF
#!/bin/sh
AR_ARENA_DEBUG=1 exec valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \\
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
  --num-callers=30 --log-file="$tmp/logs/%p.log" "$bin" "\$@"
EOF
chmod +x "$tmp/bin/alignrisk"
vbin=$tmp/bin/alignrisk

suite() { # NAME COMMAND...: a suite run with the wrapper; its last line is its summary
  name=$1
  shift
  out=$("$@" 2>&1)
  rc=$?
  printf '%s\n' "$out" | tail -n 1
  if [ "$rc" -eq 0 ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); printf '%s\n' "$out" | head -n 40; echo "memcheck: the $name suite failed under valgrind"; fi
}

(cd "$here/../samples/stability-checkpoint" && "$vbin" >/dev/null 2>"$tmp/demo.err")
rc=$?
if [ "$rc" -le 1 ]; then pass=$((pass + 1)); echo "demo: exit $rc"
else fail=$((fail + 1)); echo "memcheck: the demo exited $rc"; head -n 20 "$tmp/demo.err"; fi
suite golden "$here/run_golden.sh" "$vbin"
suite scenarios "$here/run_scenarios.sh" "$vbin"

procs=0 bad=0
for log in "$tmp"/logs/*.log; do
  [ -f "$log" ] || continue
  procs=$((procs + 1))
  if [ -s "$log" ]; then
    bad=$((bad + 1))
    [ "$bad" -le 3 ] && { echo "memcheck: errors in process ${log##*/}:"; head -n 60 "$log"; }
  fi
done
echo "memcheck: $procs processes under valgrind, $bad with errors or leaks"
pass=$((pass + procs - bad))
fail=$((fail + bad))
[ "$procs" -gt 0 ] || { fail=$((fail + 1)); echo "memcheck: no process ran under valgrind"; }
echo "memcheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
