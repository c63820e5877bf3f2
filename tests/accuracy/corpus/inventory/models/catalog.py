from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampedMixin

if TYPE_CHECKING:
    from .stock import StockItem

__all__ = ["Category", "Product", "Supplier"]


class Category(IdMixin, Base):
    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("categories.id"))

    parent: Mapped[Optional["Category"]] = relationship(back_populates="children", remote_side="Category.id")
    children: Mapped[list["Category"]] = relationship(back_populates="parent")

    def path(self) -> list[str]:
        node, names = self, []
        while node is not None:
            names.append(node.name)
            node = node.parent
        return list(reversed(names))


class Supplier(IdMixin, TimestampedMixin, Base):
    __tablename__ = "suppliers"

    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[Optional[str]] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(2))
    lead_time_days: Mapped[int] = mapped_column(default=7)
    is_preferred: Mapped[bool] = mapped_column(default=False)

    products: Mapped[list["Product"]] = relationship(back_populates="supplier")


class Product(IdMixin, TimestampedMixin, Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[Optional[str]] = mapped_column(Text, deferred=True)
    unit_cost_cents: Mapped[int]
    list_price_cents: Mapped[int]
    weight_grams: Mapped[Optional[int]]
    barcode: Mapped[Optional[str]] = mapped_column(String(14))
    discontinued: Mapped[bool] = mapped_column(default=False)
    category_id: Mapped[Optional[int]] = mapped_column(ForeignKey("categories.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))

    category: Mapped[Optional[Category]] = relationship()
    supplier: Mapped[Supplier] = relationship(back_populates="products")
    stock_items: Mapped[list["StockItem"]] = relationship(back_populates="product", cascade="all, delete-orphan")

    @hybrid_property
    def margin_cents(self) -> int:
        return self.list_price_cents - self.unit_cost_cents

    @hybrid_method
    def cheaper_than(self, cents: int) -> bool:
        return self.list_price_cents < cents

    def total_on_hand(self) -> int:
        return sum(item.quantity_on_hand for item in self.stock_items)
