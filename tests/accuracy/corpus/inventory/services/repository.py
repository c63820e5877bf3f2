"""Small typed loaders shared by the inventory services."""
from __future__ import annotations

from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from inventory.models import Product, PurchaseOrder, StockItem, Supplier, Warehouse


def product_by_sku(session: Session, sku: str) -> Product | None:
    return session.scalars(select(Product).where(Product.sku == sku)).one_or_none()


def require_product(session: Session, sku: str) -> Product:
    product = product_by_sku(session, sku)
    if product is None:
        raise LookupError(f"unknown SKU {sku}")
    return product


def warehouse_by_code(session: Session, code: str) -> Optional[Warehouse]:
    stmt = select(Warehouse).where(Warehouse.code == code.upper())
    return session.execute(stmt).scalar_one_or_none()


def stock_for(session: Session, product_id: int, warehouse_id: int) -> StockItem:
    stmt = select(StockItem).where(StockItem.product_id == product_id, StockItem.warehouse_id == warehouse_id)
    item = session.execute(stmt).scalar_one_or_none()
    if item is None:
        item = StockItem(product_id=product_id, warehouse_id=warehouse_id, quantity_on_hand=0, quantity_reserved=0)
        session.add(item)
    return item


async def load_order(session: AsyncSession, order_id: int) -> PurchaseOrder:
    stmt = select(PurchaseOrder).options(selectinload(PurchaseOrder.lines)).where(PurchaseOrder.id == order_id)
    result = await session.execute(stmt)
    return result.scalar_one()


async def products_with_stock(session: AsyncSession) -> Sequence[Product]:
    stmt = select(Product).options(selectinload(Product.stock_items)).where(Product.discontinued.is_(False))
    result = await session.scalars(stmt)
    return result.all()


def preferred_suppliers(session: Session) -> list[Supplier]:
    return list(session.scalars(select(Supplier).where(Supplier.is_preferred.is_(True)).order_by(Supplier.name)))
