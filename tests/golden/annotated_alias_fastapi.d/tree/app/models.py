from sqlalchemy import Column, Integer, String

from app.db import Base


class Operator(Base):
    __tablename__ = "operators"

    id = Column(Integer, primary_key=True)
    login = Column(String(50), nullable=False)
