from sqlalchemy import Column, Integer, String

from app.db import Base


class Coupon(Base):
    __tablename__ = "coupons"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)
