"""Internal reporting: revenue, seats, churn, invitations."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Optional, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app import enums
from app.enums import InvoiceStatus, SubscriptionStatus
from app.enums import UserStatus as US
from app.models import Invoice, Membership, Organization, Payment, Plan, Subscription, User

if TYPE_CHECKING:
    from app.models import Coupon


class InvoiceRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, invoice_id: int) -> Invoice:
        invoice = self.session.get(Invoice, invoice_id)
        if invoice is None:
            raise LookupError(invoice_id)
        return invoice

    def for_org(self, org_id: int) -> list[Invoice]:
        return list(self.session.scalars(select(Invoice).where(Invoice.organization_id == org_id)))


class RevenueReport:
    def __init__(self, session: Session):
        self.session = session
        self.invoices = InvoiceRepository(session)
        self.rows: list[dict] = []

    def invoice_line(self, invoice_id: int) -> dict:
        invoice = self.invoices.get(invoice_id)
        return {"number": invoice.number, "total": invoice.total_cents, "paid": invoice.paid_at, "due": invoice.due_date}

    def org_total(self, org_id: int) -> int:
        return sum(i.total_cents for i in self.invoices.for_org(org_id) if i.status == InvoiceStatus.PAID)

    def monthly(self, year: int) -> dict[int, int]:
        month = func.extract("month", Invoice.paid_at)
        rows = self.session.execute(
            select(month.label("month"), func.sum(Invoice.subtotal_cents + Invoice.tax_cents).label("cents"))
            .where(Invoice.status == InvoiceStatus.PAID, func.extract("year", Invoice.paid_at) == year)
            .group_by(month)
        ).all()
        return {int(row.month): int(row.cents) for row in rows}


def seats_by_plan(session: Session) -> dict[str, int]:
    rows = (
        session.query(Plan.code, func.sum(Subscription.seats).label("seats"))
        .join(Subscription, Subscription.plan_id == Plan.id)
        .filter(Subscription.is_live)
        .group_by(Plan.code)
        .all()
    )
    return {row.code: row.seats for row in rows}


def members_per_org(session: Session) -> list[tuple[str, int]]:
    result = []
    for org, count in session.query(Organization, func.count(Membership.id)).join(Organization.memberships).group_by(Organization.id):
        result.append((org.name, count))
    return result


def invoices_with_orgs(session: Session) -> list[dict]:
    out = []
    for invoice, org in session.query(Invoice, Organization).join(Organization, Invoice.organization_id == Organization.id):
        out.append({"number": invoice.number, "org": org.name, "region": org.region})
    return out


def invitations(session: Session) -> list[dict]:
    inviter = aliased(User, name="inviter")
    stmt = (
        select(Membership, inviter.email)
        .join(inviter, Membership.invited_by_id == inviter.id)
        .where(Membership.accepted_at.is_(None))
        .order_by(inviter.email)
    )
    return [{"membership": m.id, "invited_by": email} for m, email in session.execute(stmt)]


def invitations_by_handle(session: Session) -> list[int]:
    inviter = aliased(User)
    stmt = select(Membership.id).join(inviter, Membership.invited_by_id == inviter.id).order_by(inviter.username)
    return list(session.scalars(stmt))


def recently_paid(session: Session, since: datetime) -> list[str]:
    numbers = []
    if (invoice := session.scalars(select(Invoice).where(Invoice.paid_at >= since).order_by(Invoice.paid_at.desc())).first()) is not None:
        numbers.append(invoice.number)
        numbers.append(invoice.receipt_number)
    return numbers


def trial_health(session: Session) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for sub in session.scalars(select(Subscription)):
        if sub.status in ("active", "trailing"):
            counts["live"] += 1
        elif sub.status.value == "past_due":
            counts["past_due"] += 1
        elif sub.status in (SubscriptionStatus.CANCELED, "incomplete"):
            counts["gone"] += 1
    return dict(counts)


def overdue_or_open(session: Session) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(Invoice.status.in_(["open", "overdue"]))))


def open_or_draft(session: Session) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(Invoice.status.in_(["open", "draft", InvoiceStatus.UNCOLLECTIBLE]))))


def banned_users(session: Session) -> list[User]:
    return session.query(User).filter(User.status == US.BANNED).all()


def suspended_users(session: Session) -> list[User]:
    return session.query(User).filter(User.status == US.SUSPENDED).all()


def status_names() -> list[str]:
    return list(US._member_names_) + [m.value for m in enums.InvoiceStatus]


def stripe_ids(session: Session) -> list[str]:
    column = Subscription.__table__.c.stripe_subscription_id
    return [row[0] for row in session.execute(select(column).where(column.isnot(None)))]


def user_columns() -> list[str]:
    return [c.name for c in User.__table__.columns] + [User.__tablename__, str(User.__mapper__.primary_key)]


def coupon_summary(coupon: "Coupon") -> str:
    return f"{coupon.code}: {coupon.percent_off or 0}% off, used {coupon.times_redeemed}x, max {coupon.max_uses}"


def as_user(obj: object) -> str:
    user = cast(User, obj)
    return user.nickname or user.email


def paid_payment_total(payments: Iterable[Payment]) -> int:
    return sum(p.amount_cents for p in payments if p.status == enums.PaymentStatus.SUCCEEDED)


def mark_collected(session: Session, invoice_id: int) -> None:
    invoice = session.get(Invoice, invoice_id)
    if invoice is not None:
        invoice.status = enums.InvoiceStatus.PAID


def org_address(session: Session, org_id: int, address: dict) -> Optional[dict]:
    org = session.get(Organization, org_id)
    if org is None:
        return None
    org.billing_address = address
    return org.billing_address
