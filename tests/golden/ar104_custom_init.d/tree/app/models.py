from sqlalchemy import Column, Integer, String

from app.db import Base


class Event(Base):
    __tablename__ = "events"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    payload = Column(String(4000))

    def __init__(self, **kwargs):
        self.name = kwargs.get("name", "event")
        self.payload = str(kwargs)


class Note(Base):
    __tablename__ = "notes"

    id = Column(Integer, primary_key=True)
    body = Column(String(1000), nullable=False)

    def __init__(self, **kwargs):
        kwargs.setdefault("body", "")
        super().__init__(**kwargs)


class Comment(Base):
    __tablename__ = "comments"

    id = Column(Integer, primary_key=True)
    text = Column(String(1000), nullable=False)
    author_name = Column(String(100))

    def __init__(self, author, **kwargs):
        super().__init__(**kwargs)
        self.author_name = author.name


class Tag(Base):
    __tablename__ = "tags"

    id = Column(Integer, primary_key=True)
    label = Column(String(40), nullable=False)
