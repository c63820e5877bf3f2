from sqlalchemy import Column, Integer, String

from app.db import Base


class Account(Base):
    __tablename__ = "crm_accounts"

    id = Column(Integer, primary_key=True)
    company = Column(String(200))
