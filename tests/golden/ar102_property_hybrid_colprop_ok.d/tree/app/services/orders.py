from sqlalchemy.orm import Session

from app.models import Order


def summary(session: Session, order_id: int) -> dict:
    order = session.get(Order, order_id)
    order.reference = "ab-123"
    return {
        "ref": order.ref,
        "reference": order.reference,
        "name": order.display_name,
        "count": order.item_count,
        "skus": list(order.skus),
        "region": order.region,
        "qty": order.total_quantity(),
        "shipped": order.shipped_at,
    }
