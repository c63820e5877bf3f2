import enum

from sqlalchemy import Column, Enum, Integer, String

from app.db import Base


class InvoiceState(enum.Enum):
    OPEN = "open"
    PAID = "paid"


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False)
    state = Column(Enum(InvoiceState), nullable=False, default=InvoiceState.OPEN)
