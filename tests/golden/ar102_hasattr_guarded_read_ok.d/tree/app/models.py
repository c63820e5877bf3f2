from sqlalchemy import Column, Integer, String

from app.db import Base


class Profile(Base):
    __tablename__ = "profiles"

    id = Column(Integer, primary_key=True)
    handle = Column(String(50), nullable=False)
