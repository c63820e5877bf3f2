from sqlalchemy import Column, Integer, String

from app.db import Base


class User(Base):
    __tablename__ = "legacy_users"

    id = Column(Integer, primary_key=True)
    mail = Column(String(255), nullable=False)
