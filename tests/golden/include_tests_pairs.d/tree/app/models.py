from sqlalchemy import Column, Integer, String

from app.db import Base


class Vendor(Base):
    __tablename__ = "vendors"

    id = Column(Integer, primary_key=True)
    legal_name = Column(String(200), nullable=False)
