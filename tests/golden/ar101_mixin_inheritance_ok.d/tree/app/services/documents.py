from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Contract


def archive_contract(session: Session, contract_id: int, user: str) -> None:
    contract = session.get(Contract, contract_id)
    contract.is_deleted = True
    contract.deleted_at = datetime.utcnow()
    contract.updated_at = datetime.utcnow()
    contract.created_by = user
    contract.title = contract.title + " (archived)"
    contract.counterparty = contract.counterparty.strip()
    contract.archived_reason = "expired"
    session.commit()
