from sqlalchemy import Column, Integer, String

from app.db import Base


class Receipt(Base):
    __tablename__ = "receipts"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False)
    total_cents = Column(Integer, nullable=False)
