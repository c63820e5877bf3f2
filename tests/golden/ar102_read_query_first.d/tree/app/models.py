from sqlalchemy import Boolean, Column, Integer, String

from app.db import Base


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), unique=True, nullable=False)
    full_name = Column(String(200), nullable=False)
    is_active = Column(Boolean, default=True)
