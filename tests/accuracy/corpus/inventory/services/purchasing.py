"""Purchase orders: drafting, submitting, receiving goods."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from inventory.enums import Priority, PurchaseOrderState, StockMovementKind
from inventory.models import (
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMovement,
    Supplier,
)
from inventory.services.repository import load_order, stock_for


def _now() -> datetime:
    return datetime.now(timezone.utc)


def next_po_number(session: Session) -> str:
    count = session.scalar(select(func.count()).select_from(PurchaseOrder)) or 0
    return f"PO-{count + 1:06d}"


def draft_order(session: Session, supplier: Supplier, priority: str | int = "normal") -> PurchaseOrder:
    order = PurchaseOrder(
        number=next_po_number(session),
        supplier=supplier,
        state=PurchaseOrderState.DRAFT,
        priority=Priority.parse(priority),
        expected_at=_now() + timedelta(days=supplier.lead_time_days),
    )
    session.add(order)
    return order


def add_line(order: PurchaseOrder, product: Product, quantity: int) -> PurchaseOrderLine:
    line = PurchaseOrderLine(product=product, quantity_ordered=quantity, unit_cost_cents=product.unit_cost_cents)
    order.lines.append(line)
    return line


def submit(session: Session, order_id: int) -> PurchaseOrder:
    order = session.get(PurchaseOrder, order_id)
    if order is None:
        raise LookupError(order_id)
    if order.state is not PurchaseOrderState.DRAFT:
        raise ValueError("only drafts can be submitted")
    order.state = "submitted"
    order.submitted_at = _now()
    return order


def expedite(session: Session, order_id: int) -> None:
    order = session.get(PurchaseOrder, order_id)
    if order is not None and order.priority < Priority.URGENT:
        order.priority = Priority.CRITICAL
        order.notes = (order.notes or "") + "\nexpedited"


def receive_line(session: Session, line: PurchaseOrderLine, quantity: int, warehouse_id: int) -> StockMovement:
    if quantity > line.outstanding:
        raise ValueError("receiving more than ordered")
    line.quantity_received += quantity
    item = stock_for(session, line.product_id, warehouse_id)
    item.quantity_on_hand += quantity
    movement = StockMovement(stock_item=item, kind=PurchaseOrderState.RECEIVED, quantity=quantity, reference=line.order.number)
    session.add(movement)
    order = line.order
    if all(l.outstanding == 0 for l in order.lines):
        order.state = PurchaseOrderState.RECEIVED
    else:
        order.state = PurchaseOrderState.PARTIALLY_RECEIVED
    return movement


def receipt_movement(session: Session, line: PurchaseOrderLine, quantity: int, warehouse_id: int) -> StockMovement:
    item = stock_for(session, line.product_id, warehouse_id)
    return StockMovement(stock_item=item, kind=StockMovementKind.RECEIPT, quantity=quantity, reference=line.order.number)


def open_orders(session: Session) -> Sequence[PurchaseOrder]:
    stmt = select(PurchaseOrder).where(PurchaseOrder.state.in_([PurchaseOrderState.SUBMITTED, PurchaseOrderState.PARTIALLY_RECEIVED]))
    return session.scalars(stmt).all()


def received_orders(session: Session) -> Sequence[PurchaseOrder]:
    stmt = select(PurchaseOrder).where(PurchaseOrder.state == "received")
    return session.scalars(stmt).all()


def received_this_week(session: Session) -> Sequence[PurchaseOrder]:
    since = _now() - timedelta(days=7)
    stmt = select(PurchaseOrder).where(PurchaseOrder.state == "RECEIVED", PurchaseOrder.updated_at >= since)
    return session.scalars(stmt).all()


def close_stale(session: Session, days: int = 90) -> int:
    cutoff = _now() - timedelta(days=days)
    stale = session.scalars(select(PurchaseOrder).where(PurchaseOrder.submitted_at < cutoff)).all()
    for po in stale:
        po.status = PurchaseOrderState.CANCELLED
    return len(stale)


def is_complete(order: PurchaseOrder) -> bool:
    return order.state == "received"


def order_summary(order: PurchaseOrder) -> dict:
    return {
        "number": order.number,
        "supplier": order.supplier.name,
        "state": order.state.value,
        "open": order.state.is_open(),
        "priority": order.priority.name,
        "total": order.total_cents,
        "lines": [(l.product.sku, l.quantity_ordered, l.outstanding) for l in order.lines],
        "created": order.created_at,
    }


async def async_summary(session: AsyncSession, order_id: int) -> dict:
    order = await load_order(session, order_id)
    return {"number": order.number, "eta": order.expected_at, "supplier": order.vendor_name}


def create_rush_order(session: Session, supplier: Supplier) -> PurchaseOrder:
    order = draft_order(session, supplier, priority=Priority.URGENT)
    order.number = "PO-RUSH-" + order.number
    order.notes = "rush order: supplier confirmed by phone"
    return order


def backorder_number(session: Session, supplier: Supplier) -> PurchaseOrder:
    order = PurchaseOrder(number="PO-BACKORDER-PENDING-001", supplier=supplier)
    session.add(order)
    return order
