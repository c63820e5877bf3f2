from sqlalchemy import Column, Integer, String

from app.db import Base


class Job(Base):
    __tablename__ = "jobs"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)

    def __init__(self, name: str):
        self.name = name
        self.retries = 0
