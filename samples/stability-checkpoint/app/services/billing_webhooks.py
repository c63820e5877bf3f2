"""Stripe billing webhook handling.

Stripe is the source of truth for subscription state; these handlers mirror
the events we care about into :class:`Subscription` and :class:`Invoice`
rows.  Handlers are idempotent: Stripe retries deliveries and may send
events out of order, so every handler looks the row up first and only moves
state forward.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import datetime
from typing import Any, Callable, Dict, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.billing import Invoice, InvoiceStatus, Subscription, SubscriptionStatus
from app.models.organization import Organization

logger = logging.getLogger(__name__)

#: Maximum age of a signed payload before it is rejected as a replay.
SIGNATURE_TOLERANCE_SECONDS = 300

#: Stripe subscription status -> our status.
STRIPE_STATUS_MAP: Dict[str, str] = {
    "active": SubscriptionStatus.ACTIVE.value,
    "trialing": SubscriptionStatus.TRIALING.value,
    "past_due": SubscriptionStatus.PAST_DUE.value,
    "canceled": SubscriptionStatus.CANCELED.value,
    "unpaid": SubscriptionStatus.UNPAID.value,
    "incomplete": SubscriptionStatus.INCOMPLETE.value,
    "incomplete_expired": SubscriptionStatus.CANCELED.value,
    "paused": SubscriptionStatus.PAUSED.value,
}

Event = Dict[str, Any]


class WebhookSignatureError(Exception):
    """The ``Stripe-Signature`` header is missing, malformed or wrong."""


class UnknownSubscriptionError(Exception):
    """An event refers to a subscription we have no record of."""


def _ts(value: Optional[int]) -> Optional[datetime]:
    """Stripe sends Unix timestamps; store naive UTC datetimes."""
    return datetime.utcfromtimestamp(value) if value else None


def verify_signature(
    payload: bytes, header: str, secret: str, now: Optional[float] = None
) -> None:
    """Verify a ``Stripe-Signature`` header (``t=...,v1=...``).

    Raises :class:`WebhookSignatureError` when no ``v1`` signature matches or
    the timestamp is outside the tolerance window.
    """
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError) as exc:
        raise WebhookSignatureError("malformed Stripe-Signature header") from exc

    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise WebhookSignatureError("signature timestamp outside tolerance")

    signed = f"{timestamp}.".encode() + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    candidates = [v for k, v in (i.split("=", 1) for i in header.split(",")) if k == "v1"]
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise WebhookSignatureError("no matching v1 signature")


class BillingWebhookHandler:
    """Applies Stripe events to the billing tables of one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._processed: set = set()
        self._handlers: Dict[str, Callable[[Dict[str, Any]], None]] = {
            "checkout.session.completed": self.handle_checkout_completed,
            "customer.subscription.updated": self.handle_subscription_updated,
            "customer.subscription.deleted": self.handle_subscription_deleted,
            "customer.subscription.paused": self.handle_subscription_paused,
            "customer.subscription.resumed": self.handle_subscription_resumed,
            "invoice.paid": self.handle_invoice_paid,
            "invoice.payment_failed": self.handle_invoice_payment_failed,
        }

    def handle(self, event: Event) -> bool:
        """Dispatch one event; returns ``False`` for event types we ignore."""
        event_id = event.get("id")
        if event_id and event_id in self._processed:
            logger.debug("duplicate Stripe event %s skipped", event_id)
            return False
        event_type = event.get("type", "")
        handler = self._handlers.get(event_type)
        if handler is None:
            logger.debug("ignoring Stripe event %s (%s)", event.get("id"), event_type)
            return False

        logger.info("handling Stripe event %s (%s)", event.get("id"), event_type)
        try:
            handler(event["data"]["object"])
            self.session.commit()
            if event_id:
                self._processed.add(event_id)
        except Exception:
            self.session.rollback()
            logger.exception("Stripe event %s failed", event.get("id"))
            raise
        return True

    # ------------------------------------------------------------------
    # Lookups
    # ------------------------------------------------------------------

    def _find_by_stripe_id(self, stripe_subscription_id: str) -> Optional[Subscription]:
        return (
            self.session.query(Subscription)
            .filter_by(stripe_subscription_id=stripe_subscription_id)
            .first()
        )

    def _organization_for_customer(self, stripe_customer_id: str) -> Optional[Organization]:
        return self.session.execute(
            select(Organization).where(Organization.stripe_customer_id == stripe_customer_id)
        ).scalar_one_or_none()

    # ------------------------------------------------------------------
    # Subscription lifecycle
    # ------------------------------------------------------------------

    def handle_checkout_completed(self, obj: Dict[str, Any]) -> None:
        """A customer finished Checkout: create or re-activate the subscription."""
        stripe_subscription_id = obj["subscription"]
        customer_id = obj["customer"]
        organization = self._organization_for_customer(customer_id)
        if organization is None:
            org_id = obj.get("client_reference_id")
            organization = self.session.get(Organization, org_id) if org_id else None
        if organization is None:
            raise UnknownSubscriptionError(f"no organization for customer {customer_id}")
        organization.stripe_customer_id = customer_id

        subscription = self._find_by_stripe_id(stripe_subscription_id)
        if subscription is None:
            subscription = Subscription(
                organization_id=organization.id,
                stripe_subscription_id=stripe_subscription_id,
                stripe_customer_id=customer_id,
                plan_id=obj.get("metadata", {}).get("plan_id", "starter"),
                seats=int(obj.get("metadata", {}).get("seats", 1)),
            )
            self.session.add(subscription)
            logger.info("created subscription %s for %s", stripe_subscription_id, organization.slug)

        subscription.stripe_customer_id = customer_id
        subscription.status = "active"
        subscription.canceled_at = None
        subscription.paused_at = None
        organization.plan = subscription.plan_id
        organization.is_active = True

    def handle_subscription_updated(self, obj: Dict[str, Any]) -> None:
        """Plan, seat, period or status change made in Stripe."""
        subscription = self._find_by_stripe_id(obj["id"])
        if subscription is None:
            raise UnknownSubscriptionError(obj["id"])

        stripe_status = obj.get("status", "active")
        status = STRIPE_STATUS_MAP.get(stripe_status)
        if status is None:
            logger.warning("unmapped Stripe status %r for %s", stripe_status, obj["id"])
            # Unknown statuses must never downgrade a paying customer.
            status = subscription.status

        items = obj.get("items", {}).get("data", [])
        if items:
            subscription.plan_id = items[0]["price"].get("lookup_key") or subscription.plan_id
            subscription.seats = int(items[0].get("quantity") or subscription.seats)

        subscription.current_period_start = _ts(obj.get("current_period_start"))
        subscription.current_period_end = _ts(obj.get("current_period_end"))
        subscription.trial_end = _ts(obj.get("trial_end"))
        subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
        subscription.status = status

    def handle_subscription_deleted(self, obj: Dict[str, Any]) -> None:
        """The subscription ended (immediately or at period end).

        Open invoices are voided and the organization drops to the free plan.
        """
        subscription = self.session.execute(
            select(Subscription).where(Subscription.stripe_subscription_id == obj["id"])
        ).scalar_one_or_none()
        if subscription is None:
            logger.warning("deletion of unknown subscription %s ignored", obj["id"])
            return
        if subscription.status == SubscriptionStatus.CANCELED.value:
            return

        logger.info(
            "subscription %s of organization %s canceled",
            subscription.stripe_subscription_id,
            subscription.organization_id,
        )
        # Nothing more will be collected for this subscription.
        for invoice in subscription.invoices:
            if invoice.status == InvoiceStatus.OPEN.value:
                invoice.status = InvoiceStatus.VOID.value
        subscription.status = "canceled"
        subscription.canceled_at = _ts(obj.get("canceled_at")) or datetime.utcnow()
        subscription.cancel_at_period_end = False
        if subscription.organization is not None:
            subscription.organization.plan = "free"

    def handle_subscription_paused(self, obj: Dict[str, Any]) -> None:
        """Collection paused (pause_collection or a trial ending without card).

        Stripe subscriptions carry our primary key in ``metadata`` so the row
        can be fetched directly.
        """
        internal_id = obj.get("metadata", {}).get("subscription_id")
        subscription = self.session.get(Subscription, internal_id) if internal_id else None
        if subscription is None:
            subscription = self._find_by_stripe_id(obj["id"])
        if subscription is None:
            raise UnknownSubscriptionError(obj["id"])
        if subscription.status == SubscriptionStatus.CANCELED.value:
            logger.warning("pause of canceled subscription %s ignored", obj["id"])
            return
        if subscription.status == "paused":
            return

        # Keep the plan so resuming restores the same entitlements.
        logger.info("subscription %s paused", subscription.stripe_subscription_id)
        subscription.status = "paused"
        subscription.paused_at = datetime.utcnow()

    def handle_subscription_resumed(self, obj: Dict[str, Any]) -> None:
        subscription = self._find_by_stripe_id(obj["id"])
        if subscription is None:
            raise UnknownSubscriptionError(obj["id"])
        subscription.status = SubscriptionStatus.ACTIVE.value
        subscription.paused_at = None

    # ------------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------------

    def _upsert_invoice(self, obj: Dict[str, Any], subscription: Subscription) -> Invoice:
        invoice = (
            self.session.query(Invoice).filter_by(stripe_invoice_id=obj["id"]).one_or_none()
        )
        if invoice is None:
            invoice = Invoice(
                subscription_id=subscription.id,
                stripe_invoice_id=obj["id"],
                currency=(obj.get("currency") or "usd")[:3],
            )
            self.session.add(invoice)
        invoice.amount_due = int(obj.get("amount_due") or 0)
        invoice.amount_paid = int(obj.get("amount_paid") or 0)
        invoice.hosted_invoice_url = obj.get("hosted_invoice_url")
        invoice.period_start = _ts(obj.get("period_start"))
        invoice.period_end = _ts(obj.get("period_end"))
        invoice.attempt_count = int(obj.get("attempt_count") or 0)
        return invoice

    def handle_invoice_paid(self, obj: Dict[str, Any]) -> None:
        subscription = self._find_by_stripe_id(obj["subscription"])
        if subscription is None:
            raise UnknownSubscriptionError(obj["subscription"])
        invoice = self._upsert_invoice(obj, subscription)
        invoice.status = InvoiceStatus.PAID.value
        invoice.paid_at = _ts(obj.get("status_transitions", {}).get("paid_at")) or datetime.utcnow()
        if subscription.status == SubscriptionStatus.PAST_DUE.value:
            subscription.status = SubscriptionStatus.ACTIVE.value
            logger.info("subscription %s recovered from past_due", subscription.id)

    def handle_invoice_payment_failed(self, obj: Dict[str, Any]) -> None:
        subscription = self._find_by_stripe_id(obj["subscription"])
        if subscription is None:
            raise UnknownSubscriptionError(obj["subscription"])
        invoice = self._upsert_invoice(obj, subscription)
        invoice.status = InvoiceStatus.OPEN.value
        if subscription.status in (SubscriptionStatus.ACTIVE.value, SubscriptionStatus.TRIALING.value):
            subscription.status = SubscriptionStatus.PAST_DUE.value
        logger.warning(
            "payment failed for invoice %s (attempt %d)", invoice.stripe_invoice_id, invoice.attempt_count
        )
