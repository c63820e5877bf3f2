"""Stripe-backed subscriptions and invoices."""

from __future__ import annotations

from enum import Enum

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.db import Base
from app.models.mixins import TimestampMixin, UUIDPrimaryKeyMixin


class SubscriptionStatus(str, Enum):
    """Mirrors Stripe's subscription statuses we act on."""

    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    PAUSED = "paused"
    INCOMPLETE = "incomplete"
    UNPAID = "unpaid"


class InvoiceStatus(str, Enum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class Subscription(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "subscriptions"

    organization_id = Column(
        String(36), ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    stripe_subscription_id = Column(String(64), nullable=False, unique=True, index=True)
    stripe_customer_id = Column(String(64), nullable=False, index=True)
    plan_id = Column(String(50), nullable=False)
    seats = Column(Integer, nullable=False, default=1)
    status = Column(String(30), nullable=False, default=SubscriptionStatus.ACTIVE.value)
    current_period_start = Column(DateTime, nullable=True)
    current_period_end = Column(DateTime, nullable=True)
    trial_end = Column(DateTime, nullable=True)
    cancel_at_period_end = Column(Boolean, nullable=False, default=False)
    canceled_at = Column(DateTime, nullable=True)
    paused_at = Column(DateTime, nullable=True)

    organization = relationship("Organization", lazy="joined")
    invoices = relationship(
        "Invoice", back_populates="subscription", cascade="all, delete-orphan"
    )

    @property
    def is_billable(self) -> bool:
        return self.status in (
            SubscriptionStatus.ACTIVE.value,
            SubscriptionStatus.TRIALING.value,
            SubscriptionStatus.PAST_DUE.value,
        )


class Invoice(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "invoices"

    subscription_id = Column(
        String(36), ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    stripe_invoice_id = Column(String(64), nullable=False, unique=True, index=True)
    amount_due = Column(Integer, nullable=False, default=0)
    amount_paid = Column(Integer, nullable=False, default=0)
    currency = Column(String(3), nullable=False, default="usd")
    status = Column(String(20), nullable=False, default=InvoiceStatus.DRAFT.value)
    hosted_invoice_url = Column(String(500), nullable=True)
    period_start = Column(DateTime, nullable=True)
    period_end = Column(DateTime, nullable=True)
    paid_at = Column(DateTime, nullable=True)
    attempt_count = Column(Integer, nullable=False, default=0)

    subscription = relationship("Subscription", back_populates="invoices")
