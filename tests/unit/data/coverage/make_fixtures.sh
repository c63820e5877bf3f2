#!/bin/sh
# SPDX-License-Identifier: MIT
# make_fixtures.sh - regenerate the coverage.py fixtures of this folder: a two-file app
# with branches, measured by coverage.py (Debian's python3-coverage) from a checkout at
# /home/runner/work/x/x, as a GitHub Actions runner would, then written as Cobertura XML,
# JSON and LCOV. Run as root (it creates and removes /home/runner/work/x). The fixtures are
# committed; this script only documents how they were made.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cov=${COVERAGE:-python3-coverage}
root=/home/runner/work/x/x
[ ! -e /home/runner/work/x ] || { echo "make_fixtures: /home/runner/work/x exists" >&2; exit 1; }
mkdir -p "$root/app/services" "$root/tests"
# Remove what we made; rmdir leaves /home/runner/work and /home/runner alone if not empty.
trap 'rm -rf /home/runner/work/x; rmdir /home/runner/work /home/runner 2>/dev/null || :' EXIT
: > "$root/app/__init__.py"
: > "$root/app/services/__init__.py"
cat > "$root/app/services/billing.py" <<'PY'
"""Billing: one function fully run, one half run, one never called."""


def total(items):
    s = 0
    for price, qty in items:
        if qty < 0:
            raise ValueError("negative quantity")
        s += price * qty
    return s


def discount(amount, code):
    if code == "HALF":
        return amount / 2
    elif code == "TENTH":
        return amount * 0.9
    return amount


def refund(amount):
    if amount <= 0:
        return 0
    return -amount
PY
cat > "$root/app/services/status.py" <<'PY'
import enum


class Status(enum.Enum):
    OPEN = "open"
    DONE = "done"


def close(item):
    item.status = Status.DONE
    return item
PY
cat > "$root/tests/run.py" <<'PY'
from app.services import billing, status  # noqa: F401

assert billing.total([(2, 3), (1, 1)]) == 7
assert billing.discount(10, "HALF") == 5
PY
cd "$root"
PYTHONPATH=$root $cov run --branch --source=app tests/run.py
$cov xml -o "$here/coverage.xml"
$cov json -o "$here/coverage.json"
$cov lcov -o "$here/coverage.lcov"
# Made with coverage.py 6.5.0 (Debian 12 python3-coverage). Its LCOV writer puts a
# branch on its *destination* line (fixed in coverage.py 7.2); the reader takes BRDA as given.
