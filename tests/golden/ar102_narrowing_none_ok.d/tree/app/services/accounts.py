from typing import Optional

from sqlalchemy.orm import Session

from app.models import Account


class NotFound(Exception):
    pass


def contact(session: Session, account_id: int) -> str:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("account %s: %s" % (account_id, account.legacy_id))
    return account.owner_email


def contact_or_default(account: Optional[Account]) -> str:
    if not account:
        return str(account.display)
    return account.owner_mail
