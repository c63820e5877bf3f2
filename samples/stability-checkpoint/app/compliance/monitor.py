"""Control effectiveness monitoring.

Automated control tests (access reviews, backup restores, vulnerability
scans, ...) report :class:`ControlTestResult` objects; the monitor turns
them into a :class:`ControlStatus` per control and an overall posture.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Dict, Iterable, List, Optional, Sequence

from app.models.compliance import ComplianceControl

logger = logging.getLogger(__name__)


class ControlStatus(str, Enum):
    EFFECTIVE = "effective"
    INEFFECTIVE = "ineffective"
    NEEDS_IMPROVEMENT = "needs_improvement"
    NOT_TESTED = "not_tested"
    EXCEPTION = "exception"


# Share of passing checks required for each outcome.
EFFECTIVE_THRESHOLD = 1.0
NEEDS_IMPROVEMENT_THRESHOLD = 0.8


@dataclass
class ControlTestResult:
    """Outcome of one automated or manual control test."""

    control_id: str
    check: str
    passed: bool
    tested_at: datetime = field(default_factory=datetime.utcnow)
    details: Optional[str] = None
    exception_approved: bool = False


@dataclass
class ControlEvaluation:
    control_id: str
    status: ControlStatus
    pass_rate: float
    failing_checks: List[str]
    evaluated_at: datetime


class ControlMonitor:
    """Evaluates control test results and reports stale controls."""

    def __init__(self, stale_after: timedelta = timedelta(days=90)) -> None:
        self.stale_after = stale_after

    def evaluate(self, control_id: str, results: Sequence[ControlTestResult]) -> ControlEvaluation:
        """Reduce the test results of one control to a status."""
        now = datetime.utcnow()
        if not results:
            return ControlEvaluation(control_id, ControlStatus.NOT_TESTED, 0.0, [], now)

        failing = [r.check for r in results if not r.passed]
        pass_rate = (len(results) - len(failing)) / len(results)

        if failing and all(r.exception_approved for r in results if not r.passed):
            status = ControlStatus.EXCEPTION
        elif pass_rate >= EFFECTIVE_THRESHOLD:
            status = ControlStatus.EFFECTIVE
        elif pass_rate >= NEEDS_IMPROVEMENT_THRESHOLD:
            status = ControlStatus.NEEDS_IMPROVEMENT
        else:
            status = ControlStatus.INEFFECTIVE

        logger.debug("control %s evaluated as %s (%.0f%%)", control_id, status.value, pass_rate * 100)
        return ControlEvaluation(control_id, status, pass_rate, failing, now)

    def evaluate_all(
        self, results: Iterable[ControlTestResult]
    ) -> Dict[str, ControlEvaluation]:
        grouped: Dict[str, List[ControlTestResult]] = {}
        for result in results:
            grouped.setdefault(result.control_id, []).append(result)
        return {cid: self.evaluate(cid, rs) for cid, rs in grouped.items()}

    def stale_controls(
        self, controls: Iterable[ComplianceControl], now: Optional[datetime] = None
    ) -> List[ComplianceControl]:
        """Implemented controls whose next review date has passed."""
        now = now or datetime.utcnow()
        stale: List[ComplianceControl] = []
        for control in controls:
            if control.implementation_status != "implemented":
                continue
            if control.next_review_date is None or control.next_review_date <= now:
                stale.append(control)
        return stale

    @staticmethod
    def posture(evaluations: Iterable[ControlEvaluation]) -> Dict[str, int]:
        """Count controls per status, for dashboards."""
        counts = {status.value: 0 for status in ControlStatus}
        for evaluation in evaluations:
            counts[evaluation.status.value] += 1
        return counts
