"""GDPR consent management.

Records, renews and withdraws consent per processing purpose, and answers
"may we process X for purpose Y?" for the rest of the platform (Art. 7).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Dict, List, Optional

from sqlalchemy import func
from sqlalchemy.orm import Session

from app.models.compliance import ConsentRecord, ConsentStatus

logger = logging.getLogger(__name__)

#: Purposes the product asks consent for, with the current policy version.
CONSENT_PURPOSES: Dict[str, str] = {
    "marketing_email": "2.1",
    "product_analytics": "1.4",
    "third_party_sharing": "1.0",
    "research_interviews": "1.0",
    "personalised_ads": "1.2",
}


class ConsentError(Exception):
    """Raised for unknown purposes or invalid consent transitions."""


class ComplianceService:
    """Consent bookkeeping for one database session."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def record_consent(
        self,
        user_id: str,
        purpose: str,
        ip_address: Optional[str] = None,
        user_agent: Optional[str] = None,
        source: str = "web",
    ) -> ConsentRecord:
        """Record that ``user_id`` consents to ``purpose``.

        A pending or still-valid consent for the same purpose is renewed in
        place (new version, new timestamp); otherwise a new record is made.
        """
        version = self._policy_version(purpose)
        existing_consent = (
            self.db.query(ConsentRecord)
            .filter(
                ConsentRecord.user_id == user_id,
                ConsentRecord.purpose == purpose,
                ConsentRecord.status.in_([ConsentStatus.GIVEN, ConsentStatus.PENDING]),
            )
            .order_by(ConsentRecord.created_at.desc())
            .first()
        )

        now = datetime.utcnow()
        if existing_consent is not None:
            existing_consent.status = ConsentStatus.GIVEN
            existing_consent.consent_version = version
            existing_consent.given_at = now
            existing_consent.ip_address = ip_address or existing_consent.ip_address
            existing_consent.user_agent = _truncate(user_agent, 512)
            self.db.commit()
            logger.info("consent for %s renewed by user %s (v%s)", purpose, user_id, version)
            return existing_consent

        consent_record = ConsentRecord(
            user_id=user_id,
            purpose=purpose,
            status=ConsentStatus.GIVEN,
            lawful_basis="consent",
            consent_version=version,
            given_at=now,
            ip_address=ip_address,
            user_agent=_truncate(user_agent, 512),
            source=source,
        )
        self.db.add(consent_record)
        self.db.commit()
        logger.info("consent for %s given by user %s (v%s)", purpose, user_id, version)
        return consent_record

    def request_consent(self, user_id: str, purpose: str, source: str = "email") -> ConsentRecord:
        """Create a pending consent (double opt-in: confirmed by the user later)."""
        version = self._policy_version(purpose)
        consent_record = ConsentRecord(
            user_id=user_id,
            purpose=purpose,
            status=ConsentStatus.PENDING,
            consent_version=version,
            source=source,
        )
        self.db.add(consent_record)
        self.db.commit()
        return consent_record

    def confirm_pending(self, consent_id: str) -> ConsentRecord:
        """Confirm a pending double opt-in consent."""
        consent_record = self.db.get(ConsentRecord, consent_id)
        if consent_record is None:
            raise ConsentError(f"consent {consent_id} not found")
        if consent_record.status != ConsentStatus.PENDING:
            raise ConsentError(f"consent {consent_id} is not pending")

        consent_record.status = ConsentStatus.GIVEN
        consent_record.given_at = datetime.utcnow()
        self.db.commit()
        return consent_record

    def withdraw_consent(self, user_id: str, purpose: str, source: str = "web") -> bool:
        """Withdraw consent for ``purpose``.

        Withdrawal must be as easy as giving consent (Art. 7(3)); it is
        idempotent and returns ``False`` when there was nothing to withdraw.
        Downstream processors are notified through the outbox consumer that
        watches ``withdrawn_at``.

        Args:
            user_id: the data subject.
            purpose: one of :data:`CONSENT_PURPOSES`.
            source: channel the withdrawal came through (web, email, support).

        Returns:
            ``True`` when a valid consent was withdrawn.

        Raises:
            ConsentError: for an unknown purpose.
        """
        self._policy_version(purpose)
        # Latest valid consent wins; older duplicates come from legacy imports.
        consent_record = (
            self.db.query(ConsentRecord)
            .filter(
                ConsentRecord.user_id == user_id,
                ConsentRecord.purpose == purpose,
                ConsentRecord.status == ConsentStatus.GIVEN,
            )
            .order_by(ConsentRecord.given_at.desc())
            .with_for_update()
            .first()
        )
        if consent_record is None:
            logger.info("no consent for %s to withdraw for user %s", purpose, user_id)
            return False

        consent_record.status = ConsentStatus.WITHDRAWN
        consent_record.withdrawn_at = datetime.utcnow()
        consent_record.source = source
        self.db.commit()
        logger.info("consent for %s withdrawn by user %s", purpose, user_id)
        return True

    def withdraw_all(self, user_id: str, source: str = "account_deletion") -> int:
        """Withdraw every valid consent of a user (account deletion, DSR)."""
        records: List[ConsentRecord] = (
            self.db.query(ConsentRecord)
            .filter(
                ConsentRecord.user_id == user_id,
                ConsentRecord.status != ConsentStatus.WITHDRAWN,
            )
            .all()
        )
        now = datetime.utcnow()
        for record in records:
            record.status = ConsentStatus.WITHDRAWN
            record.withdrawn_at = now
            record.source = source
        self.db.commit()
        return len(records)

    def consent_history(self, user_id: str) -> List[ConsentRecord]:
        """All consent records of a user, oldest first (for DSR exports)."""
        return (
            self.db.query(ConsentRecord)
            .filter(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.created_at.asc())
            .all()
        )

    def purpose_summary(self, purpose: str) -> Dict[str, int]:
        """Number of records per consent status for one purpose (dashboard)."""
        rows = (
            self.db.query(ConsentRecord.status, func.count(ConsentRecord.id))
            .filter(ConsentRecord.purpose == purpose)
            .group_by(ConsentRecord.status)
            .all()
        )
        summary = {status.value: 0 for status in ConsentStatus}
        summary.update({status.value: count for status, count in rows})
        return summary

    def has_valid_consent(self, user_id: str, purpose: str) -> bool:
        """Whether ``user_id`` currently consents to ``purpose``.

        Consent given under an older policy version stays valid.
        """
        if purpose not in CONSENT_PURPOSES:
            return False
        count = (
            self.db.query(ConsentRecord)
            .filter(
                ConsentRecord.user_id == user_id,
                ConsentRecord.purpose == purpose,
                ConsentRecord.status == ConsentStatus.GIVEN,
            )
            .count()
        )
        return count > 0

    def outdated_consents(self, purpose: str) -> List[ConsentRecord]:
        """Valid consents given under an older policy version (re-consent needed)."""
        version = self._policy_version(purpose)
        return (
            self.db.query(ConsentRecord)
            .filter(
                ConsentRecord.purpose == purpose,
                ConsentRecord.status == ConsentStatus.GIVEN,
                ConsentRecord.consent_version != version,
            )
            .all()
        )

    @staticmethod
    def _policy_version(purpose: str) -> str:
        try:
            return CONSENT_PURPOSES[purpose]
        except KeyError:
            raise ConsentError(f"unknown consent purpose: {purpose}") from None


def _truncate(value: Optional[str], length: int) -> Optional[str]:
    if value is None:
        return None
    return value[:length]
