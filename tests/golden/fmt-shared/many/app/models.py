from sqlalchemy import Column, Integer, String

from app.db import Base


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    state = Column(String(20), nullable=False, default="open")
