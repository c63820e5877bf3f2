from sqlalchemy import Column, Integer, String

from app.db import Base


class Patient(Base):
    __tablename__ = "patients"

    id = Column(Integer, primary_key=True)
    mrn = Column(String(20), nullable=False)
    name = Column(String(200), nullable=False)
