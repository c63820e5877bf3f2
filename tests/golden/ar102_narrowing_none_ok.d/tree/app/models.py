from sqlalchemy import Column, Integer, String

from app.db import Base


class Account(Base):
    __tablename__ = "accounts"

    id = Column(Integer, primary_key=True)
    owner_email = Column(String(255), nullable=False)
