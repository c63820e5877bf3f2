"""Catalog: products, categories, pricing."""
from __future__ import annotations

import logging
from typing import Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.models import Category, Product, StockItem, Supplier
from inventory.services.repository import product_by_sku, require_product

log = logging.getLogger(__name__)


def create_product(session: Session, supplier: Supplier, sku: str, name: str, cost: int, price: int, category: Optional[Category] = None) -> Product:
    product = Product(
        sku=sku,
        name=name,
        unit_cost_cents=cost,
        list_price_cents=price,
        supplier=supplier,
        category=category,
        stock_items=[],
    )
    session.add(product)
    return product


def reprice(session: Session, sku: str, price_cents: int) -> Product:
    product = require_product(session, sku)
    if price_cents < product.unit_cost_cents:
        log.warning("pricing %s below cost", sku)
    product.list_price_cents = price_cents
    return product


def price_of(session: Session, sku: str) -> int:
    product = session.execute(select(Product).where(Product.sku == sku)).scalar_one_or_none()
    if product is None:
        return 0
    return product.price_cents


def margin_report(session: Session, min_margin: int = 0) -> list[dict]:
    stmt = select(Product).where(Product.margin_cents >= min_margin).order_by(Product.margin_cents.desc())
    rows = session.scalars(stmt).all()
    return [{"sku": p.sku, "margin": p.margin_cents, "on_hand": p.total_on_hand()} for p in rows]


def cheapest_first(session: Session, limit: int = 20) -> list[Product]:
    stmt = select(Product).where(Product.discontinued == False).order_by(Product.price_cents).limit(limit)
    return list(session.scalars(stmt))


def budget_products(session: Session, budget: int) -> list[Product]:
    return list(session.scalars(select(Product).where(Product.cheaper_than(budget))))


def by_code(session: Session, sku: str) -> Optional[Product]:
    return session.scalars(select(Product).filter_by(code=sku)).first()


def discontinue(session: Session, sku: str) -> None:
    product = product_by_sku(session, sku)
    if product is None:
        return
    product.discontinued = True
    product.barcode = None
    for item in product.stock_items:
        item.reorder_point = 0


def rename(session: Session, sku: str, name: Optional[str]) -> None:
    product = require_product(session, sku)
    product.name = name if name else product.name
    product.description = None


def clear_weight(product: Product) -> None:
    product.weight_grams = None


def category_tree(session: Session) -> dict[str, list[str]]:
    roots = session.scalars(select(Category).where(Category.parent_id.is_(None))).all()
    return {c.name: [child.name for child in c.children] for c in roots}


def breadcrumbs(product: Product) -> str:
    if product.category is None:
        return product.name
    return " / ".join(product.category.path() + [product.name])


def stock_value(session: Session) -> int:
    total = 0
    for product in session.scalars(select(Product)):
        total += sum(item.quantity_on_hand for item in product.stock_items) * product.unit_cost_cents
    return total


def low_margin(products: Iterable[Product], threshold: int) -> list[str]:
    return [p.sku for p in products if p.margin_cents < threshold]


def top_margin(session: Session) -> Optional[Product]:
    return session.scalars(select(Product).order_by(Product.margin_cents.desc()).limit(1)).first()


def set_supplier_country(session: Session, supplier_id: int, country: str | None) -> None:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        return
    supplier.country = (country or supplier.country).upper()
    if supplier.contact_email == "":
        supplier.contact_email = None


def forget_supplier_country(session: Session, supplier_id: int) -> None:
    supplier = session.get(Supplier, supplier_id)
    if supplier is not None:
        supplier.country = None


def supplier_products(supplier: Supplier) -> list[dict]:
    return [{"sku": p.sku, "lead": supplier.lead_time_days, "created": supplier.created_at} for p in supplier.products]
