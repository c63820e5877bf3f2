"""Stripe webhook handling."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from app.models.billing import Invoice, Subscription, SubscriptionStatus
from app.services.billing_webhooks import (
    BillingWebhookHandler,
    UnknownSubscriptionError,
    WebhookSignatureError,
    verify_signature,
)


def _event(event_type, obj, event_id=None):
    return {"id": event_id or f"evt_{event_type}", "type": event_type, "data": {"object": obj}}


@pytest.fixture()
def handler(session):
    return BillingWebhookHandler(session)


@pytest.fixture()
def subscription(handler, session, organization):
    handler.handle(
        _event(
            "checkout.session.completed",
            {
                "subscription": "sub_1",
                "customer": "cus_123",
                "metadata": {"plan_id": "growth", "seats": "5"},
            },
        )
    )
    return session.query(Subscription).filter_by(stripe_subscription_id="sub_1").one()


def test_checkout_creates_active_subscription(subscription, organization):
    assert subscription.status == SubscriptionStatus.ACTIVE.value
    assert subscription.seats == 5
    assert organization.plan == "growth"


def test_checkout_unknown_customer(handler):
    with pytest.raises(UnknownSubscriptionError):
        handler.handle(_event("checkout.session.completed", {"subscription": "s", "customer": "cus_x"}))


def test_duplicate_and_unknown_events_are_ignored(handler, subscription):
    assert handler.handle(_event("customer.created", {})) is False
    event = _event("customer.subscription.resumed", {"id": "sub_1"}, event_id="evt_dup")
    assert handler.handle(event) is True
    assert handler.handle(event) is False


def test_subscription_updated(handler, subscription):
    handler.handle(
        _event(
            "customer.subscription.updated",
            {
                "id": "sub_1",
                "status": "past_due",
                "current_period_start": 1_700_000_000,
                "current_period_end": 1_702_592_000,
                "cancel_at_period_end": True,
                "items": {"data": [{"price": {"lookup_key": "scale"}, "quantity": 12}]},
            },
        )
    )
    assert subscription.status == "past_due"
    assert subscription.plan_id == "scale"
    assert subscription.seats == 12
    assert subscription.cancel_at_period_end is True


def test_subscription_deleted(handler, session, subscription, organization):
    handler.handle(
        _event("invoice.payment_failed", {"id": "in_1", "subscription": "sub_1", "amount_due": 900})
    )
    handler.handle(_event("customer.subscription.deleted", {"id": "sub_1"}))

    assert subscription.status == "canceled"
    assert subscription.canceled_at is not None
    assert organization.plan == "free"
    invoice = session.query(Invoice).filter_by(stripe_invoice_id="in_1").one()
    assert invoice.status == "void"


def test_subscription_deleted_unknown_is_ignored(handler):
    assert handler.handle(_event("customer.subscription.deleted", {"id": "sub_missing"})) is True


def test_payment_failure_then_recovery(handler, session, subscription):
    handler.handle(
        _event(
            "invoice.payment_failed",
            {"id": "in_2", "subscription": "sub_1", "amount_due": 4900, "attempt_count": 1},
            event_id="evt_fail",
        )
    )
    assert subscription.status == SubscriptionStatus.PAST_DUE.value

    handler.handle(
        _event(
            "invoice.paid",
            {"id": "in_2", "subscription": "sub_1", "amount_due": 4900, "amount_paid": 4900},
            event_id="evt_paid",
        )
    )
    invoice = session.query(Invoice).filter_by(stripe_invoice_id="in_2").one()
    assert invoice.status == "paid"
    assert invoice.amount_paid == 4900
    assert subscription.status == SubscriptionStatus.ACTIVE.value


def test_verify_signature():
    payload = b'{"id": "evt_1"}'
    now = time.time()
    ts = int(now)
    sig = hmac.new(b"whsec", f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()

    verify_signature(payload, f"t={ts},v1={sig}", "whsec", now=now)
    with pytest.raises(WebhookSignatureError):
        verify_signature(payload, f"t={ts},v1=deadbeef", "whsec", now=now)
    with pytest.raises(WebhookSignatureError):
        verify_signature(payload, f"t={ts - 3600},v1={sig}", "whsec", now=now)
    with pytest.raises(WebhookSignatureError):
        verify_signature(payload, "garbage", "whsec", now=now)
