import logging

from sqlalchemy.orm import Session

from app.models import Receipt

log = logging.getLogger(__name__)


def render(session: Session, receipt_id: int) -> str:
    receipt = session.get(Receipt, receipt_id)
    log.info(f"rendering receipt {receipt.number} for {receipt.customer_name}")
    header = f"No. {receipt.number:>10} / {receipt.currency!r}"
    return f"{header}\n{receipt.total_cents / 100:.2f} {f'{receipt.vat_rate}%'}"
