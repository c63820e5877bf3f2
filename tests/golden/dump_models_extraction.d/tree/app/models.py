import enum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy import Column as SAColumn
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import column_property, relationship

from app.db import Base, Column


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class StampMixin:
    stamp = SAColumn(String(20), nullable=True)


class Widget(StampMixin, Base):
    __tablename__ = "widgets"

    id = SAColumn(Integer, primary_key=True)
    name = Column(String(40))
    color = SAColumn(Enum(Color), nullable=False, default=Color.RED)
    enabled = SAColumn(Boolean, default=True)
    shelf_id = SAColumn(Integer, ForeignKey("shelves.id"))
    upper_name = column_property(name + "")
    parts = relationship("Part", backref="widget")

    @hybrid_property
    def is_red(self) -> bool:
        return self.color == Color.RED


class Part(Base):
    __tablename__ = "parts"

    id = SAColumn(Integer, primary_key=True)
    widget_id = SAColumn(Integer, ForeignKey("widgets.id"))
    code = SAColumn(String(8))
