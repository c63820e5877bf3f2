"""Consent management (GDPR Art. 7)."""

from __future__ import annotations

import pytest

from app.models.compliance import ConsentRecord, ConsentStatus
from app.services.compliance_service import ComplianceService, ConsentError


@pytest.fixture()
def service(session):
    return ComplianceService(session)


def test_record_consent_creates_record(service, session, user):
    record = service.record_consent(user.id, "marketing_email", ip_address="203.0.113.7")

    assert record.status == ConsentStatus.GIVEN
    assert record.consent_version == "2.1"
    assert record.given_at is not None
    assert session.query(ConsentRecord).count() == 1


def test_record_consent_renews_existing(service, session, user):
    first = service.record_consent(user.id, "product_analytics")
    second = service.record_consent(user.id, "product_analytics", user_agent="x" * 600)

    assert first.id == second.id
    assert len(second.user_agent) == 512
    assert session.query(ConsentRecord).count() == 1


def test_unknown_purpose_is_rejected(service, user):
    with pytest.raises(ConsentError):
        service.record_consent(user.id, "selling_data")


def test_withdraw_consent(service, user):
    service.record_consent(user.id, "marketing_email")

    assert service.withdraw_consent(user.id, "marketing_email") is True
    assert service.has_valid_consent(user.id, "marketing_email") is False
    # Idempotent: nothing left to withdraw.
    assert service.withdraw_consent(user.id, "marketing_email") is False


def test_has_valid_consent_unknown_purpose(service, user):
    assert service.has_valid_consent(user.id, "nope") is False


def test_withdraw_all_and_history(service, user):
    service.record_consent(user.id, "marketing_email")
    service.record_consent(user.id, "product_analytics")
    service.request_consent(user.id, "third_party_sharing")

    assert service.withdraw_all(user.id) == 3
    history = service.consent_history(user.id)
    assert [r.status for r in history] == [ConsentStatus.WITHDRAWN] * 3
    assert all(r.source == "account_deletion" for r in history)
