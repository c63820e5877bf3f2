from sqlalchemy.orm import Session

from app.models import Control, Invoice


def open_invoices(session: Session) -> list:
    return session.query(Invoice).filter(Invoice.status == "open").all()


def control_names(session: Session) -> list:
    return [c.name for c in session.query(Control).order_by(Control.name).all()]
