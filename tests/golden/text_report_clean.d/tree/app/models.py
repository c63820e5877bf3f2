import enum

from sqlalchemy import Column, Enum, Integer, String

from app.db import Base


class Tier(enum.Enum):
    FREE = "free"
    PRO = "pro"


class Plan(Base):
    __tablename__ = "plans"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)
    tier = Column(Enum(Tier), nullable=False)
