"""Payments: charging cards, bank transfers, refunds and processor webhooks."""
from __future__ import annotations

import logging
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, with_polymorphic

from app import enums
from app.core.clock import utcnow
from app.core.errors import NotFound, ServiceError
from app.enums import InvoiceStatus, PaymentStatus
from app.models import BankTransferPayment, CardPayment, Invoice, Payment
from app.services.invoicing import load_invoice

log = logging.getLogger(__name__)

BRANDS = {"visa": "Visa", "mc": "Mastercard", "amex": "American Express"}


class ProcessorResponse:
    """What the card processor answers; not a model."""

    def __init__(self, payload: dict):
        self.id = payload.get("id")
        self.status = payload.get("status", "failed")
        self.card_last4 = payload.get("last4")
        self.card_brand = payload.get("brand")
        self.failure_reason = payload.get("decline_reason")


def charge_card(session: Session, invoice: Invoice, response: ProcessorResponse) -> CardPayment:
    payment = CardPayment(
        invoice=invoice,
        amount_cents=invoice.total_cents,
        currency=invoice.currency,
        card_brand=BRANDS.get(response.card_brand, response.card_brand),
        card_last4=response.card_last4,
        processor_ref=response.id,
    )
    if response.status == "succeeded":
        payment.status = PaymentStatus.SUCCEEDED
        invoice.mark_paid(utcnow())
    else:
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = response.failure_reason
    session.add(payment)
    return payment


def record_transfer(session: Session, invoice_id: int, amount_cents: int, reference: str) -> BankTransferPayment:
    invoice = load_invoice(session, invoice_id)
    payment = BankTransferPayment(invoice=invoice, amount_cents=amount_cents, currency=invoice.currency, reference_code=reference)
    payment.status = PaymentStatus.SUCCEEDED
    payment.iban_last4 = None
    if invoice.balance_cents - amount_cents <= 0:
        invoice.mark_paid(utcnow())
    session.add(payment)
    return payment


def record_manual_transfer(session: Session, invoice: Invoice, amount_cents: int) -> BankTransferPayment:
    payment = BankTransferPayment(invoice=invoice, amount_cents=amount_cents, currency=invoice.currency)
    payment.reference_code = "MANUAL-ENTRY-BY-FINANCE-TEAM-WITHOUT-BANK-REF"
    session.add(payment)
    return payment


def describe(payment: Payment) -> str:
    if isinstance(payment, CardPayment):
        return f"{payment.card_brand} •••• {payment.card_last4}"
    if isinstance(payment, BankTransferPayment):
        return f"transfer {payment.reference_code}"
    return payment.kind


def cards_ending_in(session: Session, last4: str) -> list[CardPayment]:
    return session.query(CardPayment).filter(CardPayment.card_last4 == last4).all()


def payments_for_card(session: Session, last4: str) -> list[Payment]:
    return session.query(Payment).filter(Payment.card_last4 == last4).all()


def all_payments(session: Session, invoice_id: int) -> list[Payment]:
    poly = with_polymorphic(Payment, [CardPayment, BankTransferPayment])
    return session.query(poly).filter(poly.invoice_id == invoice_id).all()


def refund(session: Session, payment_id: int, reason: str) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("payment not found")
    if payment.status != PaymentStatus.SUCCEEDED:
        raise ServiceError("only succeeded payments can be refunded")
    payment.status = PaymentStatus.REFUNDED
    payment.refund_reason = reason
    payment.invoice.status = InvoiceStatus.OPEN
    return payment


def settle(session: Session, payment_id: int) -> None:
    payment = session.get(Payment, payment_id)
    if payment is not None and payment.status == InvoiceStatus.PAID:
        payment.invoice.mark_paid(utcnow())


def handle_webhook(session: Session, event: dict) -> None:
    data = event.get("data", {})
    payment = session.execute(
        select(Payment).where(Payment.processor_ref == data.get("id"))
    ).scalar_one_or_none()
    if payment is None:
        log.warning("webhook for unknown payment %s", data.get("id"))
        return
    kind = event.get("type")
    if kind == "charge.succeeded":
        payment.status = PaymentStatus.SUCCEEDED
    elif kind == "charge.failed":
        payment.status = enums.PaymentStatus.FAILED
        payment.failure_reason = data.get("failure_message")
    elif kind == "charge.disputed":
        payment.status = enums.PaymentStatus.DISPUTED
    elif kind == "charge.refunded":
        payment.status = "refunded"
    elif kind == "charge.pending":
        payment.status = "PENDING"
    if payment.status == PaymentStatus.SUCCEEDED:
        payment.failure_reason = None


def failed_payments(session: Session, invoice: Optional[Invoice] = None) -> list[Payment]:
    q = session.query(Payment).filter_by(status=PaymentStatus.FAILED)
    if invoice is not None:
        q = q.filter_by(invoice=invoice)
    return q.all()


def latest_payment(session: Session, invoice_id: int) -> Optional[Payment]:
    return (
        session.query(Payment)
        .filter_by(invoice_id=invoice_id)
        .order_by(Payment.created_at.desc())
        .first()
    )


def retry_summary(session: Session, invoice_id: int) -> dict:
    last = latest_payment(session, invoice_id)
    if last is None:
        return {"attempts": 0}
    return {"attempts": len(last.invoice.payments), "last_status": last.status.value, "last_error": last.error_message}


def payment_receipt(payment: CardPayment) -> dict:
    return {
        "brand": payment.card_brand,
        "last4": payment.card_last4,
        "invoice": payment.invoice.number,
        "amount": payment.invoice.total,
    }
