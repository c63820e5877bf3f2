"""Plans, subscriptions, invoices, payments and coupons."""
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import column_property, composite, deferred, relationship

from app.core.money import Money
from app.db import Base
from app.enums import (
    BillingInterval,
    CouponDuration,
    InvoiceStatus,
    OrgPlanTier,
    PaymentStatus,
    SubscriptionStatus,
)
from app.models.base import BaseModel
from app.models.mixins import TenantMixin, TimestampMixin


class Plan(BaseModel):
    __tablename__ = "plans"

    code = Column(String(40), nullable=False, unique=True)
    name = Column(String(80), nullable=False)
    tier = Column(Enum(OrgPlanTier), nullable=False)
    interval = Column(Enum(BillingInterval), nullable=False, default=BillingInterval.MONTH)
    price_cents = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False, default="USD")
    trial_days = Column(Integer, nullable=False, default=14)
    seat_limit = Column(Integer)
    is_public = Column(Boolean, nullable=False, default=True)

    price = composite(Money, price_cents, currency)


class Subscription(TenantMixin, BaseModel):
    __tablename__ = "subscriptions"

    plan_id = Column(ForeignKey("plans.id"), nullable=False)
    status = Column(Enum(SubscriptionStatus), nullable=False, default=SubscriptionStatus.TRIALING)
    seats = Column(Integer, nullable=False, default=1)
    current_period_start = Column(DateTime(timezone=True))
    current_period_end = Column(DateTime(timezone=True))
    trial_ends_at = Column(DateTime(timezone=True))
    cancel_at_period_end = Column(Boolean, nullable=False, default=False)
    canceled_at = Column(DateTime(timezone=True))
    external_id = Column("stripe_subscription_id", String(64), unique=True)

    plan = relationship("Plan", backref="subscriptions")
    invoices = relationship("Invoice", back_populates="subscription", order_by="Invoice.issued_at")

    @hybrid_property
    def is_live(self) -> bool:
        return self.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING)

    @is_live.expression
    def is_live(cls):
        return cls.status.in_([SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING])

    @hybrid_method
    def renews_before(self, when) -> bool:
        return self.current_period_end is not None and self.current_period_end < when

    def cancel_now(self, when) -> None:
        self.status = SubscriptionStatus.CANCELED
        self.cancel_at_period_end = False
        self.cancelled_at = when


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"

    id = Column(Integer, primary_key=True)
    invoice_id = Column(ForeignKey("invoices.id"), nullable=False)
    kind = Column(String(20), nullable=False)
    status = Column(Enum(PaymentStatus), nullable=False, default=PaymentStatus.PENDING)
    amount_cents = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)
    processor_ref = Column(String(64))
    failure_reason = Column(String(255))

    invoice = relationship("Invoice", back_populates="payments")

    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "payment"}


class CardPayment(Payment):
    __mapper_args__ = {"polymorphic_identity": "card"}

    card_brand = Column(String(20))
    card_last4 = Column(String(4))


class BankTransferPayment(Payment):
    __mapper_args__ = {"polymorphic_identity": "bank_transfer"}

    iban_last4 = Column(String(4))
    reference_code = Column(String(35))


class Invoice(TenantMixin, BaseModel):
    __tablename__ = "invoices"

    number = Column(String(32), nullable=False, unique=True)
    subscription_id = Column(ForeignKey("subscriptions.id"))
    status = Column(Enum(InvoiceStatus), nullable=False, default=InvoiceStatus.DRAFT)
    currency = Column(String(3), nullable=False, default="USD")
    subtotal_cents = Column(Integer, nullable=False, default=0)
    tax_cents = Column(Integer, nullable=False, default=0)
    issued_at = Column(DateTime(timezone=True))
    due_at = Column(DateTime(timezone=True))
    paid_at = Column(DateTime(timezone=True))
    pdf_url = Column(String(500))
    memo = deferred(Column(Text))

    subscription = relationship("Subscription", back_populates="invoices")
    payments = relationship("Payment", back_populates="invoice")
    lines = relationship("InvoiceLine", backref="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position")

    @hybrid_property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.tax_cents

    @property
    def balance_cents(self) -> int:
        return self.total_cents - self.amount_paid_cents

    @property
    def is_overdue(self) -> bool:
        from app.core.clock import utcnow

        return self.status == InvoiceStatus.OPEN and self.due_at is not None and self.due_at < utcnow()

    def mark_paid(self, when) -> None:
        self.status = InvoiceStatus.PAID
        self.paid_at = when


Invoice.amount_paid_cents = column_property(
    select(func.coalesce(func.sum(Payment.amount_cents), 0))
    .where(Payment.invoice_id == Invoice.id, Payment.status == PaymentStatus.SUCCEEDED)
    .correlate_except(Payment)
    .scalar_subquery()
)


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id = Column(Integer, primary_key=True)
    invoice_id = Column(ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    description = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    unit_price_cents = Column(Integer, nullable=False)

    @hybrid_property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents


class Coupon(BaseModel):
    __tablename__ = "coupons"

    code = Column(String(24), nullable=False, unique=True)
    percent_off = Column(Integer)
    amount_off_cents = Column(Integer)
    duration = Column(String(16), nullable=False, default=CouponDuration.ONCE.value)
    duration_in_months = Column(Integer)
    max_redemptions = Column(Integer)
    times_redeemed = Column(Integer, nullable=False, default=0)
    valid_until = Column(DateTime(timezone=True))
