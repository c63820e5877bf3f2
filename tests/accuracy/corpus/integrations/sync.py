"""Push users and organizations to the CRM and pull account data back."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Organization, User
from integrations.models import CrmAccount, CrmContact


def upsert_contact(session: Session, user: User, client) -> CrmContact:
    contact = session.scalars(select(CrmContact).where(CrmContact.user_id == user.id)).first()
    if contact is None:
        contact = CrmContact(user_id=user.id, email=user.email)
        session.add(contact)
    remote = client.upsert_contact(email=user.email, name=user.full_name)
    contact.external_id = remote["id"]
    contact.sync_version = remote.get("version", 0)
    contact.mark_synced()
    return contact


def pull_account(session: Session, org: Organization, client) -> CrmAccount:
    account = session.scalars(select(CrmAccount).where(CrmAccount.organization_id == org.id)).first()
    if account is None:
        account = CrmAccount(organization_id=org.id, raw={})
        session.add(account)
    account.raw = client.get_account(org.slug)
    account.synced_at = datetime.now(timezone.utc)
    if account.industry == "education":
        org.plan_tier = org.plan_tier
    return account


def account_owner(account: CrmAccount) -> str:
    return account.owner_email or ""


def stale_contacts(session: Session) -> list[CrmContact]:
    return session.query(CrmContact).filter(CrmContact.last_synced_at.is_(None)).all()
