from sqlalchemy import Column, Integer, String

from ..db import Base


class Shipment(Base):
    __tablename__ = "shipments"

    id = Column(Integer, primary_key=True)
    carrier = Column(String(40), nullable=False)
    tracking_number = Column(String(64), nullable=True)
