from sqlalchemy import Column, Integer, String

from app.db import Base


class Device(Base):
    __tablename__ = "devices"

    id = Column(Integer, primary_key=True)
    serial = Column(String(64), nullable=False)
