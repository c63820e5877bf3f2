from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Invoice


def pay(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    invoice.status = "paid"
    invoice.paid_at = datetime.utcnow()
    session.commit()
    return invoice


def total(session: Session) -> int:
    return sum(i.total_cents for i in session.query(Invoice).all())
