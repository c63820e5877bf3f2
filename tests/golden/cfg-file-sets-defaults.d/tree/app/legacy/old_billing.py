from sqlalchemy.orm import Session

from app.models import Invoice


def old_pay(session: Session, invoice_id: int) -> None:
    invoice = session.get(Invoice, invoice_id)
    invoice.paid_flag = True
