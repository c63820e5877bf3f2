import enum

from sqlalchemy import Column, Enum, Integer

from app.db import Base


class Stage(enum.Enum):
    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"


class Page(Base):
    __tablename__ = "pages"

    id = Column(Integer, primary_key=True)
    stage = Column(Enum(Stage), nullable=False)
