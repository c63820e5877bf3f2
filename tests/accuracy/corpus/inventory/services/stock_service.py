"""Stock levels, reservations and movements (async)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from inventory.enums import StockMovementKind
from inventory.models import Product, StockItem, StockMovement, Warehouse


class InsufficientStock(Exception):
    pass


@dataclass
class Reservation:
    """An in-memory hold; not a model."""

    stock_item_id: int
    quantity: int
    reference: str
    warehouse: str = ""


async def receive(session: AsyncSession, item_id: int, quantity: int, reference: str, user_id: int | None = None) -> StockMovement:
    item = await session.get(StockItem, item_id)
    if item is None:
        raise LookupError(f"stock item {item_id}")
    item.quantity_on_hand += quantity
    movement = StockMovement(stock_item=item, kind=StockMovementKind.RECEIPT, quantity=quantity, reference=reference, created_by_id=user_id)
    session.add(movement)
    return movement


async def adjust(session: AsyncSession, item_id: int, counted: int, note: str) -> StockMovement:
    item = await session.get(StockItem, item_id)
    if item is None:
        raise LookupError(f"stock item {item_id}")
    delta = counted - item.quantity_on_hand
    item.quantity = counted
    movement = StockMovement(stock_item=item, kind=StockMovementKind.ADJUSTMENT, qty=delta, note=note)
    session.add(movement)
    return movement


async def reserve(session: AsyncSession, item_id: int, quantity: int, reference: str) -> Reservation:
    item = await session.get(StockItem, item_id, options=[selectinload(StockItem.warehouse)])
    if item is None or item.available < quantity:
        raise InsufficientStock(reference)
    item.quantity_reserved += quantity
    hold = Reservation(stock_item_id=item.id, quantity=quantity, reference=reference)
    hold.warehouse = item.warehouse.code
    return hold


async def release(session: AsyncSession, hold: Reservation) -> None:
    item = await session.get(StockItem, hold.stock_item_id)
    if item is not None:
        item.quantity_reserved = max(0, item.quantity_reserved - hold.quantity)


async def ship(session: AsyncSession, item_id: int, quantity: int, order_ref: str) -> StockMovement:
    item = await session.get(StockItem, item_id)
    if item is None:
        raise LookupError(f"stock item {item_id}")
    if item.quantity_on_hand < quantity:
        raise InsufficientStock(order_ref)
    item.quantity_on_hand -= quantity
    item.quantity_reserved = max(0, item.quantity_reserved - quantity)
    movement = StockMovement(stock_item=item, kind=StockMovementKind.SHIPMENT, quantity=-quantity, reference=order_ref)
    session.add(movement)
    return movement


async def restock(session: AsyncSession, item_id: int, quantity: int) -> StockMovement:
    item = await session.get(StockItem, item_id)
    movement = StockMovement(stock_item=item, kind="restock", quantity=quantity)
    session.add(movement)
    return movement


async def returns(session: AsyncSession, item_id: int, quantity: int, rma: str) -> StockMovement:
    item = await session.get(StockItem, item_id)
    movement = StockMovement(stock_item=item, kind=StockMovementKind.RECEIVE, quantity=quantity, reference=rma)
    session.add(movement)
    return movement


async def movements_of_kind(session: AsyncSession, kind: str) -> Sequence[StockMovement]:
    stmt = select(StockMovement).where(StockMovement.kind == kind).order_by(StockMovement.created_at.desc())
    return (await session.scalars(stmt)).all()


async def transfers(session: AsyncSession) -> Sequence[StockMovement]:
    stmt = select(StockMovement).where(StockMovement.kind == "transfer")
    return (await session.scalars(stmt)).all()


async def recent_by_type(session: AsyncSession, kind: StockMovementKind) -> Sequence[StockMovement]:
    stmt = select(StockMovement).where(StockMovement.movement_type == kind).limit(100)
    return (await session.scalars(stmt)).all()


async def reorder_list(session: AsyncSession) -> list[dict]:
    result = await session.execute(select(StockItem).options(selectinload(StockItem.product), selectinload(StockItem.warehouse)))
    items = result.scalars().all()
    return [
        {"sku": i.product.sku, "warehouse": i.warehouse.code, "available": i.available}
        for i in items
        if i.needs_reorder
    ]


async def warehouse_locations(session: AsyncSession) -> list[str]:
    result = await session.execute(select(Warehouse).where(Warehouse.is_active.is_(True)))
    warehouses = result.scalars().all()
    return [w.location for w in warehouses]


async def open_warehouse(session: AsyncSession, code: str, name: str, city: Optional[str] = None) -> Warehouse:
    warehouse = Warehouse(code=code, name=name, city=city, timezone="Europe/Berlin")
    session.add(warehouse)
    return warehouse


async def open_munich(session: AsyncSession) -> Warehouse:
    warehouse = Warehouse(code="MÜNCHEN1", name="München Nord", city="München")
    session.add(warehouse)
    return warehouse


async def open_berlin_south(session: AsyncSession) -> Warehouse:
    warehouse = Warehouse(code="BER-S", name="Berlin South", city="Berlin")
    warehouse.code = "BERLIN-SOUTH"
    session.add(warehouse)
    return warehouse


async def assign_bin(session: AsyncSession, item_id: int, aisle: int, shelf: str) -> None:
    item = await session.get(StockItem, item_id)
    if item is None:
        return
    item.bin_location = f"A{aisle:02d}-{shelf}"
    if shelf == "overflow":
        item.bin_location = "OVERFLOW-AREA-NORTH"
    elif shelf == "none":
        item.bin_location = None
    elif shelf == "dock":
        item.bin_location = "DOCK-1"


async def total_stock(session: AsyncSession, product_id: int) -> int:
    product = await session.get(Product, product_id, options=[selectinload(Product.stock_items)])
    if product is None:
        return 0
    return sum(i.quantity_on_hand for i in product.stock_items)


async def zero_out(session: AsyncSession, warehouse_id: int) -> None:
    await session.execute(update(StockItem).where(StockItem.warehouse_id == warehouse_id).values(quantity_on_hand=0, quantity_reserved=0))
