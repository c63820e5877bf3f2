from sqlalchemy.orm import Session

from app.models import Invoice, InvoiceState


def pay(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice.state == InvoiceState.OPEN:
        invoice.state = InvoiceState.PAID
    invoice.status = "paid"
    session.commit()
    return invoice


def void(session: Session, invoice_id: int) -> None:
    invoice = session.get(Invoice, invoice_id)
    invoice.state = InvoiceState.VOID
    session.commit()
