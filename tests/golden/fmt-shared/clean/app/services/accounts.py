from sqlalchemy.orm import Session

from app.models import Account, Plan


def upgrade(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    account.plan = Plan.PRO
    session.commit()
    return account
