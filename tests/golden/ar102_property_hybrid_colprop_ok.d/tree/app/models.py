from sqlalchemy import Column, ForeignKey, Integer, String, func, select
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import column_property, declared_attr, relationship, synonym

from app.db import Base


class LineItem(Base):
    __tablename__ = "line_items"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"))
    sku = Column(String(40), nullable=False)
    quantity = Column(Integer, nullable=False)


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    _reference = Column("reference", String(40), nullable=False)
    first_name = Column(String(100))
    last_name = Column(String(100))
    items = relationship(LineItem)
    item_count = column_property(
        select(func.count(LineItem.id)).where(LineItem.order_id == id).scalar_subquery()
    )
    ref = synonym("_reference")
    skus = association_proxy("items", "sku")

    @declared_attr
    def region(cls):
        return Column(String(8), nullable=True)

    @hybrid_property
    def reference(self) -> str:
        return self._reference

    @reference.setter
    def reference(self, value: str) -> None:
        self._reference = value.upper()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def total_quantity(self) -> int:
        return sum(item.quantity for item in self.items)
