from sqlalchemy.orm import Session

from app.models import Invoice

type InvoiceId = int


def overdue(session: Session, invoice_id: InvoiceId) -> str:
    invoice = session.get(Invoice, invoice_id)
    return invoice.due_date


def broken(session: Session:
    return session.query(Invoice).all(
