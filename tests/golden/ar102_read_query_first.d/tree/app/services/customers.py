from sqlalchemy.orm import Session

from app.models import Customer


def greeting(session: Session, email: str) -> str:
    customer = session.query(Customer).filter_by(email=email).first()
    if customer.is_active:
        return "Hello " + customer.first_name
    return "Goodbye " + customer.full_name
