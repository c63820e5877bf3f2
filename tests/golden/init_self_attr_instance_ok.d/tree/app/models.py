from sqlalchemy import Column, Integer, String

from app.db import Base


class Upload(Base):
    __tablename__ = "uploads"

    id = Column(Integer, primary_key=True)
    filename = Column(String(255), nullable=False)

    def __init__(self, filename: str, stream=None):
        self.filename = filename
        self.stream = stream
        self.progress = 0
