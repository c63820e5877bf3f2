from sqlalchemy import Column, Integer, String

from app.db import Base


class Report(Base):
    __tablename__ = "reports"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
