from sqlalchemy import Column, Integer, String

from app.db import Base

__all__ = ["Coupon"]


class Coupon(Base):
    __tablename__ = "coupons"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), unique=True, nullable=False)
    percent_off = Column(Integer, nullable=False)


class Campaign(Base):
    __tablename__ = "campaigns"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
