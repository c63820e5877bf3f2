from sqlalchemy import Column, Integer, String

from app.db import Base


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False)
