"""Unit tests for the pure helpers of the compliance service.

The async workflows (DSR processing, control assessment) are exercised by
the staging smoke suite, not here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.services.compliance_service_complete import compute_due_date, normalise_control_id


@pytest.mark.parametrize(
    "raw, expected",
    [("cc 6.1", "CC6.1"), ("CC6.1", "CC6.1"), ("a-1.2.3", "A1.2.3"), (" pi 1 ", "PI1")],
)
def test_normalise_control_id(raw, expected):
    assert normalise_control_id(raw) == expected


def test_compute_due_date_uses_30_day_sla():
    received = datetime(2025, 11, 1, 12, 0)
    assert compute_due_date(received) == received + timedelta(days=30)

