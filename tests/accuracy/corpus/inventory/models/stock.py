from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Enum as SAEnum, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import Priority, PurchaseOrderState, StockMovementKind
from .base import Base, IdMixin, TimestampedMixin
from .catalog import Product, Supplier

__all__ = ["PurchaseOrder", "PurchaseOrderLine", "StockItem", "StockMovement", "Warehouse"]


class Warehouse(IdMixin, Base):
    __tablename__ = "warehouses"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[Optional[str]] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(40), default="UTC")
    is_active: Mapped[bool] = mapped_column(default=True)

    stock_items: Mapped[list["StockItem"]] = relationship(back_populates="warehouse")


class StockItem(IdMixin, Base):
    __tablename__ = "stock_items"
    __table_args__ = (UniqueConstraint("product_id", "warehouse_id"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    quantity_on_hand: Mapped[int] = mapped_column(default=0)
    quantity_reserved: Mapped[int] = mapped_column(default=0)
    reorder_point: Mapped[int] = mapped_column(default=10)
    bin_location: Mapped[Optional[str]] = mapped_column(String(12))

    product: Mapped[Product] = relationship(back_populates="stock_items")
    warehouse: Mapped[Warehouse] = relationship(back_populates="stock_items")
    movements: Mapped[list["StockMovement"]] = relationship(back_populates="stock_item", order_by="StockMovement.id")

    @hybrid_property
    def available(self) -> int:
        return self.quantity_on_hand - self.quantity_reserved

    @property
    def needs_reorder(self) -> bool:
        return self.available <= self.reorder_point


class StockMovement(IdMixin, Base):
    __tablename__ = "stock_movements"

    stock_item_id: Mapped[int] = mapped_column(ForeignKey("stock_items.id"))
    kind: Mapped[StockMovementKind] = mapped_column(SAEnum(StockMovementKind, native_enum=False, length=20))
    quantity: Mapped[int]
    reference: Mapped[Optional[str]] = mapped_column(String(40))
    note: Mapped[Optional[str]] = mapped_column(String(255))
    created_by_id: Mapped[Optional[int]]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    stock_item: Mapped[StockItem] = relationship(back_populates="movements")


class PurchaseOrder(IdMixin, TimestampedMixin, Base):
    __tablename__ = "purchase_orders"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    state: Mapped[PurchaseOrderState] = mapped_column(
        SAEnum(PurchaseOrderState, name="po_state", values_callable=lambda e: [m.value for m in e]),
        default=PurchaseOrderState.DRAFT,
    )
    priority: Mapped[Priority] = mapped_column(default=Priority.NORMAL)
    expected_at: Mapped[Optional[datetime]]
    submitted_at: Mapped[Optional[datetime]]
    notes: Mapped[Optional[str]] = mapped_column(Text)

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list["PurchaseOrderLine"]] = relationship(back_populates="order", cascade="all, delete-orphan")

    @property
    def total_cents(self) -> int:
        return sum(line.quantity_ordered * line.unit_cost_cents for line in self.lines)


class PurchaseOrderLine(IdMixin, Base):
    __tablename__ = "purchase_order_lines"

    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity_ordered: Mapped[int]
    quantity_received: Mapped[int] = mapped_column(default=0)
    unit_cost_cents: Mapped[int]

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()

    @hybrid_property
    def outstanding(self) -> int:
        return self.quantity_ordered - self.quantity_received
