from sqlalchemy.orm import Session

from app.models import Vendor


def rename(session: Session, vendor_id: int, name: str) -> None:
    vendor = session.get(Vendor, vendor_id)
    vendor.name = name
    session.commit()
