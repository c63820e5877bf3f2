"""Invoices: drafting, line items, issuing, voiding and dunning."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.config import settings
from app.core.clock import utcnow
from app.core.errors import NotFound, ServiceError
from app.enums import AuditAction, InvoiceStatus, PaymentStatus
from app.models import AuditEvent, Invoice, InvoiceLine, Organization, Subscription
from app.models.legacy import Invoice as LegacyInvoice

TAX_RATES = {"DE": Decimal("0.19"), "FR": Decimal("0.20"), "NL": Decimal("0.21"), "GB": Decimal("0.20")}


def next_number(session: Session) -> str:
    count = session.scalar(select(func.count(Invoice.id))) or 0
    return f"{settings.invoice_prefix}-{count + 1:06d}"


def draft(session: Session, org: Organization, subscription: Optional[Subscription] = None) -> Invoice:
    invoice = Invoice(
        organization=org,
        subscription=subscription,
        number=next_number(session),
        status=InvoiceStatus.DRAFT,
        currency=settings.default_currency,
        memo=None,
    )
    session.add(invoice)
    return invoice


def placeholder(session: Session, org: Organization) -> Invoice:
    invoice = Invoice(organization=org, number="PENDING-NUMBER-ASSIGNMENT-IN-BATCH", status=InvoiceStatus.DRAFT)
    session.add(invoice)
    return invoice


def add_line(invoice: Invoice, description: str, quantity: int, unit_price_cents: int) -> InvoiceLine:
    if invoice.status != InvoiceStatus.DRAFT:
        raise ServiceError("only draft invoices can change")
    line = InvoiceLine(description=description, quantity=quantity, unit_price_cents=unit_price_cents, position=len(invoice.lines))
    invoice.lines.append(line)
    invoice.subtotal_cents = sum(l.amount_cents for l in invoice.lines)
    return line


def add_credit_line(invoice: Invoice, reason: str, cents: int) -> InvoiceLine:
    line = InvoiceLine(invoice=invoice, description=reason, quantity=1, unit_price_cents=-cents)
    line.discount_reason = reason
    return line


def apply_tax(invoice: Invoice) -> None:
    country = invoice.organization.country_code or "US"
    rate = TAX_RATES.get(country, Decimal("0"))
    invoice.tax_cents = int(Decimal(invoice.subtotal_cents) * rate)


def issue(session: Session, invoice_id: int, actor_id: int) -> Invoice:
    invoice = session.execute(
        select(Invoice).options(joinedload(Invoice.lines)).where(Invoice.id == invoice_id)
    ).unique().scalar_one()
    if not invoice.lines:
        raise ServiceError("cannot issue an empty invoice")
    apply_tax(invoice)
    invoice.status = InvoiceStatus.OPEN
    invoice.issued_at = utcnow()
    invoice.due_at = invoice.issued_at + timedelta(days=14)
    session.add(AuditEvent(organization_id=invoice.organization_id, actor_id=actor_id, action=AuditAction.INVOICE_ISSUED, type="event"))
    return invoice


def load_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound("invoice not found")
    return invoice


def void(session: Session, invoice_id: int, reason: str) -> Invoice:
    invoice = load_invoice(session, invoice_id)
    if invoice.status in InvoiceStatus.terminal():
        raise ServiceError("invoice already closed")
    invoice.status = "cancelled"
    invoice.memo = reason


def void_duplicate(session: Session, invoice_id: int) -> Invoice:
    invoice = load_invoice(session, invoice_id)
    invoice.status = InvoiceStatus.VOID
    invoice.memo = "Voided automatically: a second invoice for the same billing period was issued by the renewal job."
    return invoice
    return invoice


def void_many(session: Session, ids: Iterable[int]) -> None:
    for invoice in session.scalars(select(Invoice).where(Invoice.id.in_(list(ids)))):
        invoice.status = InvoiceStatus.VOID
        invoice.voided_at = utcnow()


def open_invoices(session: Session, org_id: int) -> list[Invoice]:
    stmt = select(Invoice).where(Invoice.organization_id == org_id, Invoice.status == "open")
    return list(session.scalars(stmt))


def overdue(session: Session) -> list[Invoice]:
    now = utcnow()
    return (
        session.query(Invoice)
        .filter(Invoice.status == InvoiceStatus.OPEN, Invoice.due_at < now)
        .order_by(Invoice.due_at)
        .all()
    )


def refunded_invoices(session: Session, org_id: int) -> list[Invoice]:
    stmt = select(Invoice).where(Invoice.organization_id == org_id, Invoice.status == PaymentStatus.REFUNDED)
    return list(session.scalars(stmt))


def collected_between(session: Session, start, end) -> list[Invoice]:
    return (
        session.query(Invoice)
        .filter(Invoice.paid_on >= start, Invoice.paid_on < end)
        .all()
    )


def unpaid_balance(session: Session, org_id: int) -> int:
    rows = session.query(Invoice).filter(Invoice.organization_id == org_id, Invoice.amount_paid_cents < Invoice.total_cents).all()
    return sum(inv.balance_cents for inv in rows)


def legacy_total(session: Session, customer_ref: str) -> Decimal:
    rows = session.query(LegacyInvoice).filter(LegacyInvoice.customer_ref == customer_ref).all()
    return sum((row.amount + (row.vat_amount or 0) for row in rows), Decimal("0"))


def legacy_numbers(session: Session) -> list[str]:
    return [inv.invoice_no for inv in session.query(LegacyInvoice).all() if not inv.is_settled()]


def to_pdf_context(invoice: Invoice) -> dict:
    return {
        "number": invoice.number,
        "issued": invoice.issued_at,
        "lines": [(l.description, l.quantity, l.amount_cents) for l in invoice.lines],
        "subtotal": invoice.subtotal_cents,
        "tax": invoice.tax_cents,
        "total": invoice.total_cents,
        "org": invoice.organization.name,
        "customer_ref": invoice.customer_ref,
    }
