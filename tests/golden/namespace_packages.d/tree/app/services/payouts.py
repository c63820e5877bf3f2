from sqlalchemy.orm import Session

from app.billing.models import Account


def payout_target(session: Session, account_id: int) -> str:
    account = session.get(Account, account_id)
    return account.iban + account.company
