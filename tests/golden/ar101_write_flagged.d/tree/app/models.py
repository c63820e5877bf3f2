from sqlalchemy import Column, DateTime, Integer, String

from app.db import Base


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False)
    amount_cents = Column(Integer, nullable=False)
    paid_at = Column(DateTime, nullable=True)
