"""Control effectiveness evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.compliance.monitor import ControlMonitor, ControlStatus, ControlTestResult
from app.models.compliance import ComplianceControl


def _results(control_id, *passed, exception=False):
    return [
        ControlTestResult(control_id, f"check-{i}", p, exception_approved=exception)
        for i, p in enumerate(passed)
    ]


def test_evaluate_statuses():
    monitor = ControlMonitor()
    assert monitor.evaluate("CC6.1", []).status == ControlStatus.NOT_TESTED
    assert monitor.evaluate("CC6.1", _results("CC6.1", True, True)).status == ControlStatus.EFFECTIVE
    five = _results("CC7.2", True, True, True, True, False)
    assert monitor.evaluate("CC7.2", five).status == ControlStatus.NEEDS_IMPROVEMENT
    assert monitor.evaluate("CC8.1", _results("CC8.1", False, True)).status == ControlStatus.INEFFECTIVE
    excepted = _results("A1.2", False, exception=True)
    assert monitor.evaluate("A1.2", excepted).status == ControlStatus.EXCEPTION


def test_evaluate_all_and_posture():
    monitor = ControlMonitor()
    evaluations = monitor.evaluate_all(_results("CC6.1", True) + _results("CC6.2", False))
    assert set(evaluations) == {"CC6.1", "CC6.2"}
    posture = monitor.posture(evaluations.values())
    assert posture["effective"] == 1 and posture["ineffective"] == 1


def test_stale_controls():
    now = datetime(2025, 11, 18)
    fresh = ComplianceControl(control_id="CC1.1", title="Fresh", implementation_status="implemented",
                              next_review_date=now + timedelta(days=10))
    stale = ComplianceControl(control_id="CC1.2", title="Stale", implementation_status="implemented",
                              next_review_date=now - timedelta(days=1))
    planned = ComplianceControl(control_id="CC1.3", title="Planned")
    assert ControlMonitor().stale_controls([fresh, stale, planned], now=now) == [stale]
