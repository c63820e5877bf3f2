from sqlalchemy.orm import Session

from app.models import Product


def product_payload(session: Session, product_id: int, overrides: dict) -> dict:
    product = session.get(Product, product_id)
    product = product.to_dict()
    product.update(overrides)
    status = overrides.get("status", "draft")
    product.setdefault("currency", "EUR")
    return {"product": product, "status": status, "tags": product.get("tags")}


def rename(session: Session, product_id: int, payload: dict) -> Product:
    product = session.get(Product, product_id)
    product.name = payload.get("name", product.name)
    product.slug = payload["slug"]
    return product
