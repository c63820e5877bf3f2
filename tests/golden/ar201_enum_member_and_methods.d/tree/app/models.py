from sqlalchemy import Column, Enum, Integer

from app.db import Base
from app.enums import PaymentState


class Payment(Base):
    __tablename__ = "payments"

    id = Column(Integer, primary_key=True)
    state = Column(Enum(PaymentState), nullable=False, default=PaymentState.PENDING)
