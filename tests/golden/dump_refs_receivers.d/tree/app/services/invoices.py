from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Invoice


def reissue(session: Session, inv: Invoice, invoice_id: int) -> Invoice:
    found = session.get(Invoice, invoice_id)
    found.number = inv.number
    copy = Invoice(number=found.number)
    first = session.query(Invoice).filter_by(number="A1").first()
    rows = session.scalars(select(Invoice).order_by(Invoice.number)).all()
    for row in rows:
        row.number = first.number
    return copy
