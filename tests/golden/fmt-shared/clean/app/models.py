import enum

from sqlalchemy import Column, Enum, Integer, String

from app.db import Base


class Plan(str, enum.Enum):
    FREE = "free"
    PRO = "pro"


class Account(Base):
    __tablename__ = "accounts"

    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False)
    plan = Column(Enum(Plan), nullable=False, default=Plan.FREE)
