from sqlalchemy import Column, DateTime, Integer, String

from app.db import Base


class Article(Base):
    __tablename__ = "articles"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    published_at = Column(DateTime, nullable=True)
    author_id = Column(Integer, nullable=False)

    @classmethod
    def recent_first(cls):
        return cls.published_at.desc()
