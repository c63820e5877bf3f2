"""Complete compliance service: GDPR data subject requests and SOC 2 controls.

This module backs the compliance dashboard and the DSR workflow:

* data subject requests (access, erasure, portability) with the 30-day SLA,
* SOC 2 control assessments, remediation tracking and review scheduling,
* the quarterly compliance report handed to auditors.

All methods are coroutines operating on an ``AsyncSession``-compatible
object (see :class:`app.db.AsyncSessionAdapter`).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import delete, func, select

from app.compliance.monitor import ControlStatus
from app.models.compliance import ComplianceControl, DataSubjectRequest, RequestStatus
from app.models.compliance import ConsentRecord, RequestType
from app.models.user import User
from app.services.notifications import send_compliance_alert

logger = logging.getLogger(__name__)

DSR_SLA_DAYS = 30
DSR_WARNING_DAYS = 7
DEFAULT_REVIEW_INTERVAL_DAYS = 90
REPORT_FORMAT_VERSION = "2025.3"
_CONTROL_ID_RE = re.compile(r"^(?P<family>[A-Z]{1,4})\s*[-.]?\s*(?P<num>\d+(?:\.\d+)*)$")


class ComplianceError(Exception):
    """Raised when a compliance workflow cannot proceed."""


class ComplianceService:
    """GDPR and SOC 2 workflows for one organization's compliance team."""

    def __init__(self, db: Any, organization_id: Optional[str] = None) -> None:
        self.db = db
        self.organization_id = organization_id

    # ------------------------------------------------------------------
    # Data subject requests
    # ------------------------------------------------------------------

    async def process_access_request(self, request_id: str, handler_id: str) -> Dict[str, Any]:
        """Fulfil a GDPR Art. 15 access request and store the export."""
        request = await self.db.get(DataSubjectRequest, request_id)
        if request is None:
            raise ComplianceError(f"data subject request {request_id} not found")
        if request.request_type not in (RequestType.ACCESS, RequestType.PORTABILITY):
            raise ComplianceError(f"request {request_id} is not an access request")

        request.status = RequestStatus.IN_PROGRESS
        request.handled_by_id = handler_id
        await self.db.flush()

        try:
            export = await self._collect_subject_data(request.user_id, request.subject_email)
            export["request_id"] = request.id
            export["format_version"] = REPORT_FORMAT_VERSION
            request.response_data = export
            request.status = RequestStatus.COMPLETED
            request.completed_at = datetime.utcnow()
            await self.db.commit()

            logger.info(
                "access request %s completed in %d days",
                request.id,
                (request.completed_at - request.received_at).days,
            )
            return export
        except ComplianceError:
            await self.db.rollback()
            raise
        except Exception as exc:
            logger.exception("access request %s failed", request_id)
            await self.db.rollback()
            request = await self.db.get(DataSubjectRequest, request_id)
            if request is None:
                raise
            await send_compliance_alert(
                severity="high",
                title="Data subject request failed",
                message=f"Access request {request_id} could not be fulfilled: {exc}",
                metadata={"request_type": request.request_type.value},
            )
            # Record the failure so the SLA dashboard shows it (re-open later).
            request.status = RequestStatus.FAILED
            request.failure_reason = str(exc)[:2000]
            await self.db.commit()
            raise ComplianceError(f"access request {request_id} failed") from exc

    async def process_erasure_request(self, request_id: str, handler_id: str) -> int:
        """Fulfil a GDPR Art. 17 erasure request; returns the rows affected."""
        request = await self.db.get(DataSubjectRequest, request_id)
        if request is None:
            raise ComplianceError(f"data subject request {request_id} not found")
        if request.request_type != RequestType.ERASURE:
            raise ComplianceError(f"request {request_id} is not an erasure request")

        request.status = RequestStatus.IN_PROGRESS
        request.handled_by_id = handler_id
        affected = 0

        if request.user_id is not None:
            result = await self.db.execute(
                delete(ConsentRecord).where(ConsentRecord.user_id == request.user_id)
            )
            affected += result.rowcount or 0

            user = await self.db.get(User, request.user_id)
            if user is not None:
                user.email = f"erased-{user.id}@redacted.invalid"
                user.full_name = None
                user.is_active = False
                affected += 1

        request.status = RequestStatus.COMPLETED
        request.completed_at = datetime.utcnow()
        request.response_data = {"rows_affected": affected}
        await self.db.commit()
        logger.info("erasure request %s completed, %d rows affected", request.id, affected)
        return affected

    async def _collect_subject_data(
        self, user_id: Optional[str], subject_email: str
    ) -> Dict[str, Any]:
        """Gather everything we hold about one data subject."""
        export: Dict[str, Any] = {"subject_email": subject_email, "profile": None, "consents": []}
        if user_id is None:
            return export

        user = await self.db.get(User, user_id)
        if user is not None:
            export["profile"] = {
                "id": user.id,
                "email": user.email,
                "full_name": user.full_name,
                "created_at": user.created_at.isoformat(),
            }

        result = await self.db.execute(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.created_at)
        )
        for consent in result.scalars().all():
            export["consents"].append(
                {
                    "purpose": consent.purpose,
                    "status": consent.status.value,
                    "lawful_basis": consent.lawful_basis,
                    "version": consent.consent_version,
                    "given_at": consent.given_at.isoformat() if consent.given_at else None,
                    "withdrawn_at": (
                        consent.withdrawn_at.isoformat() if consent.withdrawn_at else None
                    ),
                }
            )
        return export

    async def list_requests(
        self, status: Optional[RequestStatus] = None, limit: int = 100
    ) -> List[DataSubjectRequest]:
        """Most recent requests first, optionally filtered by status."""
        query = select(DataSubjectRequest).order_by(DataSubjectRequest.received_at.desc())
        if status is not None:
            query = query.where(DataSubjectRequest.status == status)
        if limit <= 0:
            raise ValueError("limit must be positive")
        result = await self.db.execute(query.limit(limit))
        return list(result.scalars().all())

    # ------------------------------------------------------------------
    # SOC 2 controls
    # ------------------------------------------------------------------

    async def assess_control(
        self,
        control_id: str,
        assessor_id: str,
        assessment_results: Dict[str, Any],
    ) -> ComplianceControl:
        """Record the outcome of a control assessment.

        ``assessment_results`` carries ``passed`` (bool), the ``checks`` that
        were run and optional ``evidence`` references.  A failing assessment
        opens remediation and alerts the control owner.
        """
        control = await self.db.get(ComplianceControl, control_id)
        if control is None:
            raise ComplianceError(f"control {control_id} not found")

        if "passed" not in assessment_results:
            raise ComplianceError("assessment_results must include 'passed'")
        logger.info("assessing control %s (%s)", control.control_id, control.title)

        control.status = ControlStatus.COMPLIANT if assessment_results["passed"] else ControlStatus.NON_COMPLIANT
        control.last_assessed = datetime.utcnow()
        control.assessed_by = assessor_id
        control.next_review_date = datetime.utcnow() + timedelta(
            days=control.test_frequency_days or DEFAULT_REVIEW_INTERVAL_DAYS
        )
        control.notes = _summarise_checks(assessment_results.get("checks", []))

        # Persist before alerting so the alert links to a saved assessment.
        await self.db.commit()
        await self.db.refresh(control)

        if control.status == ControlStatus.NON_COMPLIANT:
            await send_compliance_alert(
                severity="critical",
                title=f"Control {control.control_id} failed assessment",
                message=f"{control.title} was assessed as non-compliant by {assessor_id}",
                control_id=control.control_id,
                metadata={"checks": assessment_results.get("checks", [])},
            )
            control.remediation_status = "required"
            await self.db.commit()

        return control

    async def start_remediation(self, control_id: str, owner_id: str, plan: str) -> ComplianceControl:
        """Assign an owner and a remediation plan to a failing control."""
        control = await self.db.get(ComplianceControl, control_id)
        if control is None:
            raise ComplianceError(f"control {control_id} not found")
        if control.remediation_status not in ("required", "in_progress"):
            raise ComplianceError(
                f"control {control.control_id} has no open remediation "
                f"({control.remediation_status})"
            )

        control.owner_id = owner_id
        control.remediation_status = "in_progress"
        control.notes = (control.notes or "") + f"\nRemediation plan: {plan}"
        await self.db.commit()
        logger.info("remediation of %s started by %s", control.control_id, owner_id)
        return control

    async def complete_remediation(self, control_id: str, evidence_ref: str) -> ComplianceControl:
        """Close remediation once evidence of the fix has been attached."""
        control = await self.db.get(ComplianceControl, control_id)
        if control is None:
            raise ComplianceError(f"control {control_id} not found")
        if control.evidence_required and not evidence_ref:
            raise ComplianceError(f"control {control.control_id} requires evidence")

        control.remediation_status = "completed"
        control.implementation_status = "implemented"
        control.notes = (control.notes or "") + f"\nRemediated, evidence: {evidence_ref}"
        # Pull the next review forward so the fix is re-tested soon.
        control.next_review_date = datetime.utcnow() + timedelta(days=30)
        await self.db.commit()
        return control

    async def register_control(
        self,
        control_id: str,
        title: str,
        description: Optional[str] = None,
        category: Optional[str] = None,
        framework: str = "soc2",
        test_frequency_days: int = DEFAULT_REVIEW_INTERVAL_DAYS,
    ) -> ComplianceControl:
        """Add a control to the programme (idempotent on ``control_id``)."""
        normalised = normalise_control_id(control_id)
        result = await self.db.execute(
            select(ComplianceControl).where(ComplianceControl.control_id == normalised)
        )
        existing = result.scalar_one_or_none()
        if existing is not None:
            return existing

        control = ComplianceControl(
            control_id=normalised,
            title=title,
            description=description,
            category=category,
            framework=framework,
            test_frequency_days=test_frequency_days,
            implementation_status="not_implemented",
            remediation_status="not_required",
        )
        self.db.add(control)
        await self.db.commit()
        logger.info("registered control %s", normalised)
        return control

    async def controls_due_for_review(
        self, now: Optional[datetime] = None, horizon_days: int = 14
    ) -> List[ComplianceControl]:
        """Controls whose next review falls within ``horizon_days``."""
        now = now or datetime.utcnow()
        result = await self.db.execute(
            select(ComplianceControl)
            .where(
                ComplianceControl.next_review_date.is_not(None),
                ComplianceControl.next_review_date <= now + timedelta(days=horizon_days),
            )
            .order_by(ComplianceControl.next_review_date)
        )
        return list(result.scalars().all())

    async def implementation_summary(self) -> Dict[str, int]:
        """Number of controls per implementation status."""
        result = await self.db.execute(
            select(ComplianceControl.implementation_status, func.count(ComplianceControl.id))
            .group_by(ComplianceControl.implementation_status)
        )
        summary: Dict[str, int] = {}
        for status, count in result.all():
            summary[status or "unknown"] = count
        return summary

    async def generate_soc2_report(self, period_start: datetime, period_end: datetime) -> Dict[str, Any]:
        """Build the quarterly report shared with the external auditor."""
        if period_end <= period_start:
            raise ComplianceError("report period must end after it starts")

        result = await self.db.execute(
            select(ComplianceControl)
            .where(ComplianceControl.framework == "soc2")
            .order_by(ComplianceControl.control_id)
        )
        controls = list(result.scalars().all())

        sections: Dict[str, List[Dict[str, Any]]] = {}
        for control in controls:
            family = control_family(control.control_id)
            sections.setdefault(family, []).append(
                {
                    "control_id": control.control_id,
                    "title": control.title,
                    "implementation_status": control.implementation_status,
                    "remediation_status": control.remediation_status,
                    "owner": control.owner.email if control.owner else None,
                    "next_review": (
                        control.next_review_date.isoformat() if control.next_review_date else None
                    ),
                }
            )

        implemented = sum(1 for c in controls if c.implementation_status == "implemented")
        open_remediation = sum(
            1 for c in controls if c.remediation_status in ("required", "in_progress")
        )
        overdue = await self.get_overdue_requests(now=period_end)

        report = {
            "format_version": REPORT_FORMAT_VERSION,
            "organization_id": self.organization_id,
            "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
            "score": calculate_compliance_score(implemented, len(controls), open_remediation),
            "controls_total": len(controls),
            "controls_implemented": implemented,
            "open_remediation": open_remediation,
            "overdue_requests": len(overdue),
            "sections": sections,
        }
        logger.info(
            "SOC 2 report for %s..%s: %d controls, score %.1f",
            period_start.date(),
            period_end.date(),
            len(controls),
            report["score"],
        )
        return report

    async def import_control_catalogue(self, rows: Iterable[Dict[str, Any]]) -> Dict[str, int]:
        """Create or update controls from a catalogue export (CSV rows as dicts).

        Unknown columns are ignored; rows without an identifier or a title
        are skipped and counted so the importer can report them.
        """
        created = updated = skipped = 0
        for row in rows:
            raw_id = (row.get("control_id") or "").strip()
            title = (row.get("title") or "").strip()
            if not raw_id or not title:
                skipped += 1
                continue
            try:
                control_key = normalise_control_id(raw_id)
            except ValueError:
                logger.warning("skipping catalogue row with bad control id %r", raw_id)
                skipped += 1
                continue

            result = await self.db.execute(
                select(ComplianceControl).where(ComplianceControl.control_id == control_key)
            )
            control = result.scalar_one_or_none()
            if control is None:
                control = ComplianceControl(control_id=control_key, title=title[:255])
                self.db.add(control)
                created += 1
            else:
                control.title = title[:255]
                updated += 1

            control.description = row.get("description") or control.description
            control.category = row.get("category") or control.category
            control.framework = row.get("framework") or "soc2"
            if row.get("test_frequency_days"):
                control.test_frequency_days = int(row["test_frequency_days"])
            control.evidence_required = str(row.get("evidence_required", "yes")).lower() in (
                "1",
                "true",
                "yes",
            )

        await self.db.commit()
        logger.info(
            "control catalogue imported: %d created, %d updated, %d skipped",
            created,
            updated,
            skipped,
        )
        return {"created": created, "updated": updated, "skipped": skipped}

    async def apply_monitor_evaluations(self, evaluations: Iterable[Any]) -> List[str]:
        """Fold automated :class:`ControlEvaluation` results into the controls.

        Only the implementation status is touched; a failing evaluation opens
        remediation.  Returns the identifiers of controls that changed.
        """
        changed: List[str] = []
        for evaluation in evaluations:
            result = await self.db.execute(
                select(ComplianceControl).where(
                    ComplianceControl.control_id == evaluation.control_id
                )
            )
            control = result.scalar_one_or_none()
            if control is None:
                logger.warning("evaluation for unknown control %s", evaluation.control_id)
                continue

            if evaluation.status == ControlStatus.NOT_TESTED:
                continue
            if evaluation.status == ControlStatus.EXCEPTION:
                # Approved exceptions are tracked in the risk register instead.
                logger.info("control %s runs under an approved exception", control.control_id)
                continue

            if evaluation.status == ControlStatus.EFFECTIVE:
                new_status = "implemented"
            elif evaluation.status == ControlStatus.NEEDS_IMPROVEMENT:
                new_status = "partially_implemented"
            else:
                new_status = control.implementation_status or "not_implemented"
                control.remediation_status = "required"

            if control.implementation_status != new_status:
                control.implementation_status = new_status
                changed.append(control.control_id)

        await self.db.commit()
        return changed

    # ------------------------------------------------------------------
    # DSR intake and SLA tracking
    # ------------------------------------------------------------------

    async def create_data_subject_request(
        self,
        subject_email: str,
        request_type: RequestType,
        user_id: Optional[str] = None,
        received_at: Optional[datetime] = None,
    ) -> DataSubjectRequest:
        """Log a new request; the SLA clock starts at ``received_at``."""
        received_at = received_at or datetime.utcnow()
        request = DataSubjectRequest(
            subject_email=subject_email.strip().lower(),
            request_type=request_type,
            user_id=user_id,
            status=RequestStatus.RECEIVED,
            received_at=received_at,
            due_date=compute_due_date(received_at),
        )
        self.db.add(request)
        await self.db.commit()
        logger.info("DSR %s (%s) received for %s", request.id, request_type.value, subject_email)
        return request

    async def get_request(self, request_id: str) -> DataSubjectRequest:
        """Fetch a request or raise :class:`ComplianceError`."""
        request = await self.db.get(DataSubjectRequest, request_id)
        if request is None:
            raise ComplianceError(f"data subject request {request_id} not found")
        return request

    async def reopen_request(self, request_id: str, handler_id: str) -> DataSubjectRequest:
        """Re-open a failed request after its root cause has been fixed."""
        request = await self.db.get(DataSubjectRequest, request_id)
        if request is None:
            raise ComplianceError(f"data subject request {request_id} not found")
        if request.status != RequestStatus.FAILED:
            raise ComplianceError(f"request {request_id} is {request.status.value}, not failed")

        request.status = RequestStatus.RECEIVED
        request.failure_reason = None
        request.handled_by_id = handler_id
        await self.db.commit()
        return request

    async def sla_breaches(self, now: Optional[datetime] = None) -> List[Dict[str, Any]]:
        """Open requests that are overdue or due within the warning window."""
        now = now or datetime.utcnow()
        breaches: List[Dict[str, Any]] = []
        for request in await self.get_overdue_requests(now=now + timedelta(days=DSR_WARNING_DAYS)):
            remaining = days_until_due(request.due_date, now)
            breaches.append(
                {
                    "request_id": request.id,
                    "subject_email": request.subject_email,
                    "request_type": request.request_type.value,
                    "days_remaining": remaining,
                    "overdue": remaining < 0,
                }
            )
        if any(b["overdue"] for b in breaches):
            await send_compliance_alert(
                severity="high",
                title="Data subject requests past SLA",
                message=f"{sum(b['overdue'] for b in breaches)} request(s) are overdue",
                metadata={"requests": [b["request_id"] for b in breaches if b["overdue"]]},
            )
        return breaches

    async def request_statistics(self, since: datetime) -> Dict[str, Any]:
        """Throughput and median handling time of requests since ``since``."""
        result = await self.db.execute(
            select(DataSubjectRequest).where(DataSubjectRequest.received_at >= since)
        )
        requests = list(result.scalars().all())
        durations = sorted(
            (r.completed_at - r.received_at).total_seconds() / 86400
            for r in requests
            if r.completed_at is not None
        )
        by_type: Dict[str, int] = {}
        for r in requests:
            by_type[r.request_type.value] = by_type.get(r.request_type.value, 0) + 1
        return {
            "total": len(requests),
            "completed": len(durations),
            "median_days": _median(durations),
            "by_type": by_type,
        }

    async def purge_completed_requests(self, older_than_days: int = 365 * 3) -> int:
        """Delete request payloads past the retention period (keeps the log row)."""
        cutoff = datetime.utcnow() - timedelta(days=older_than_days)
        result = await self.db.execute(
            select(DataSubjectRequest).where(
                DataSubjectRequest.status == RequestStatus.COMPLETED,
                DataSubjectRequest.completed_at < cutoff,
                DataSubjectRequest.response_data.is_not(None),
            )
        )
        purged = 0
        # The row itself is kept as proof that the request was handled.
        for request in result.scalars().all():
            request.response_data = None
            purged += 1
        if purged:
            await self.db.commit()
            logger.info("purged payloads of %d completed requests", purged)
        return purged

    async def get_overdue_requests(self, now: Optional[datetime] = None) -> List[DataSubjectRequest]:
        """Open requests whose due date is on or before ``now``."""
        now = now or datetime.utcnow()
        result = await self.db.execute(
            select(DataSubjectRequest)
            .where(
                DataSubjectRequest.status.in_([RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS]),
                DataSubjectRequest.due_date <= now,
            )
            .order_by(DataSubjectRequest.due_date)
        )
        return list(result.scalars().all())

    async def build_evidence_index(self, period_end: datetime) -> Dict[str, Any]:
        """Index of the evidence an auditor will ask for, per control.

        Controls that require evidence but show no activity in the last
        ``test_frequency_days`` before ``period_end`` are listed as gaps.
        """
        result = await self.db.execute(
            select(ComplianceControl).order_by(ComplianceControl.control_id)
        )
        entries: List[Dict[str, Any]] = []
        gaps: List[str] = []
        for control in result.scalars().all():
            window = timedelta(days=control.test_frequency_days or DEFAULT_REVIEW_INTERVAL_DAYS)
            last_activity = control.updated_at or control.created_at
            stale = last_activity is None or last_activity < period_end - window
            evidence_refs = [
                line.split("evidence:", 1)[1].strip()
                for line in (control.notes or "").splitlines()
                if "evidence:" in line
            ]
            if control.evidence_required and (stale or not evidence_refs):
                gaps.append(control.control_id)
            entries.append(
                {
                    "control_id": control.control_id,
                    "title": control.title,
                    "category": control.category,
                    "owner": control.owner.email if control.owner else None,
                    "implementation_status": control.implementation_status,
                    "remediation_status": control.remediation_status,
                    "last_activity": last_activity.isoformat() if last_activity else None,
                    "evidence": evidence_refs,
                }
            )

        completed = await self.db.execute(
            select(func.count(DataSubjectRequest.id)).where(
                DataSubjectRequest.status == RequestStatus.COMPLETED,
                DataSubjectRequest.completed_at <= period_end,
            )
        )
        index = {
            "format_version": REPORT_FORMAT_VERSION,
            "period_end": period_end.isoformat(),
            "controls": entries,
            "gaps": gaps,
            "completed_requests": completed.scalar_one(),
        }
        if gaps:
            logger.warning("evidence gaps for %d control(s): %s", len(gaps), ", ".join(gaps))
        return index

    async def assign_request(self, request_id: str, handler_id: str) -> DataSubjectRequest:
        """Hand a new (or failed) request to a member of the privacy team."""
        request = await self.get_request(request_id)
        if request.status not in (RequestStatus.RECEIVED, RequestStatus.FAILED):
            raise ComplianceError(f"request {request_id} is already {request.status.value}")

        handler = await self.db.get(User, handler_id)
        if handler is None or not handler.is_active:
            raise ComplianceError(f"handler {handler_id} is not an active user")

        request.handled_by_id = handler.id
        request.status = RequestStatus.IN_PROGRESS
        if request.due_date is None:
            request.due_date = compute_due_date(request.received_at)
        await self.db.commit()
        logger.info("DSR %s assigned to %s, due %s", request.id, handler.email, request.due_date.date())
        return request


# ----------------------------------------------------------------------
# Pure helpers (unit-tested)
# ----------------------------------------------------------------------


def normalise_control_id(raw: str) -> str:
    """``"cc 6.1"`` -> ``"CC6.1"``; raises ``ValueError`` on garbage."""
    match = _CONTROL_ID_RE.match(raw.strip().upper())
    if not match:
        raise ValueError(f"not a control identifier: {raw!r}")
    return f"{match.group('family')}{match.group('num')}"


def control_family(control_id: str) -> str:
    match = _CONTROL_ID_RE.match(control_id)
    return match.group("family") if match else "OTHER"


def compute_due_date(received_at: datetime, sla_days: int = DSR_SLA_DAYS) -> datetime:
    return received_at + timedelta(days=sla_days)


def days_until_due(due_date: Optional[datetime], now: datetime) -> int:
    if due_date is None:
        return DSR_SLA_DAYS
    return (due_date - now).days


def calculate_compliance_score(implemented: int, total: int, open_remediation: int = 0) -> float:
    """Percentage of implemented controls, minus 2 points per open remediation."""
    if total <= 0:
        return 0.0
    score = implemented / total * 100 - 2.0 * open_remediation
    return round(max(0.0, min(100.0, score)), 1)


def _summarise_checks(checks: Iterable[Dict[str, Any]]) -> str:
    lines = []
    for check in checks:
        mark = "PASS" if check.get("passed") else "FAIL"
        lines.append(f"[{mark}] {check.get('name', 'unnamed check')}")
    return "\n".join(lines)


def _median(values: Sequence[float]) -> Optional[float]:
    if not values:
        return None
    mid = len(values) // 2
    if len(values) % 2:
        return round(values[mid], 2)
    return round((values[mid - 1] + values[mid]) / 2, 2)
