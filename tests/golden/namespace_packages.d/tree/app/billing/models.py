from sqlalchemy import Column, Integer, String

from app.db import Base


class Account(Base):
    __tablename__ = "billing_accounts"

    id = Column(Integer, primary_key=True)
    iban = Column(String(34))
