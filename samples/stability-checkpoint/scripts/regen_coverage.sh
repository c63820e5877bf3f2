#!/bin/sh
# Regenerate coverage.xml for the stability-checkpoint sample.
#
# Runs the sample's pytest suite under coverage.py with the Debian system
# Python (python3-sqlalchemy 1.4, python3-pytest, python3-coverage), writes
# Cobertura XML, and rewrites the machine-specific <source> path to a neutral
# CI-runner path so no local path is committed (alignrisk maps coverage paths
# by suffix). Leaves no .coverage, __pycache__ or .pytest_cache behind.
set -eu

PYTHON=${PYTHON:-/usr/bin/python3}
NEUTRAL_ROOT=${NEUTRAL_ROOT:-/home/runner/work/app/app}
# 2025-11-18T00:00:00Z, the checkpoint date, in milliseconds.
FIXED_TIMESTAMP=${FIXED_TIMESTAMP:-1763424000000}

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

if ! "$PYTHON" -c 'import coverage, pytest, sqlalchemy' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "regen_coverage: installing python3-coverage python3-pytest python3-sqlalchemy" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            python3-coverage python3-pytest python3-sqlalchemy >/dev/null
    else
        echo "regen_coverage: $PYTHON lacks coverage/pytest/sqlalchemy;" \
             "install python3-coverage python3-pytest python3-sqlalchemy" >&2
        exit 2
    fi
fi

cleanup() {
    rm -f .coverage .coverage.*
    rm -rf .pytest_cache
    find . -name __pycache__ -type d -prune -exec rm -rf {} +
}
trap cleanup EXIT

export PYTHONDONTWRITEBYTECODE=1
cleanup
"$PYTHON" -m coverage run --rcfile=.coveragerc --source=app \
    -m pytest -q -p no:cacheprovider tests
"$PYTHON" -m coverage report --rcfile=.coveragerc
"$PYTHON" -m coverage xml --rcfile=.coveragerc -o coverage.xml

# Neutralise what is specific to this machine and this run.
tmp=coverage.xml.tmp
sed -e "s|<source>$here/app</source>|<source>$NEUTRAL_ROOT/app</source>|" \
    -e "s|<source>$here</source>|<source>$NEUTRAL_ROOT</source>|" \
    -e "s| timestamp=\"[0-9]*\"| timestamp=\"$FIXED_TIMESTAMP\"|" \
    coverage.xml > "$tmp"
mv "$tmp" coverage.xml

if grep -q "$here" coverage.xml; then
    echo "regen_coverage: local path $here still present in coverage.xml" >&2
    exit 1
fi
echo "regen_coverage: wrote $here/coverage.xml"
