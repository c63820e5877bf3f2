from sqlalchemy.orm import Session

from ..models.shipment import Shipment
from . import helpers


def by_carrier(session: Session, carrier: str) -> list[Shipment]:
    rows = session.query(Shipment).filter(Shipment.carrier == carrier)
    return rows.order_by(Shipment.tracking_no).all()


def label(shipment: Shipment) -> str:
    return helpers.fmt(shipment.tracking_number)
