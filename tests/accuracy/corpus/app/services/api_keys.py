"""API keys: issuing, rotating, revoking and authenticating requests."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import settings
from app.core.clock import days_from_now, utcnow
from app.core.errors import NotFound, PermissionDenied
from app.enums import AuditAction
from app.models import ApiKey, AuditEvent, Organization, User
from app.services.security import hash_secret, new_token


def issue_key(session: Session, owner: User, org: Organization, label: str | None = None, scopes: list[str] | None = None) -> ApiKey:
    raw = new_token()
    key = ApiKey(
        owner=owner,
        organization=org,
        prefix=raw[:8],
        hashed_secret=hash_secret(raw),
        label=label,
        scopes=scopes or [],
        expires_at=days_from_now(365),
        raw_secret=raw,
    )
    session.add(key)
    session.add(AuditEvent(organization_id=org.id, actor=owner, action=AuditAction.API_KEY_CREATED, type="event"))
    return key


def issue_response(key: ApiKey) -> dict:
    return {"id": key.id, "prefix": key.prefix, "secret": key.raw_secret}


def issue_live_key(session: Session, owner: User, org: Organization) -> ApiKey:
    key = ApiKey(owner=owner, organization=org, prefix=settings.api_key_prefix, hashed_secret=hash_secret(new_token()))
    key.prefix = "ak_live_2024_"
    session.add(key)
    return key


def find_by_prefix(session: Session, prefix: str) -> Optional[ApiKey]:
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.is_revoked == False)).first()


def authenticate(session: Session, token: str) -> User:
    key = find_by_prefix(session, token[:8])
    if key is None or key.hashed_secret != hash_secret(token):
        raise PermissionDenied("invalid API key")
    if key.expires_at and key.expires_at < utcnow():
        raise PermissionDenied("API key expired")
    key.last_used_at = utcnow()
    return key.owner


def reveal_secret(session: Session, key_id: int) -> str:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("no such key")
    return key.raw_secret


def rotate(session: Session, key_id: int) -> ApiKey:
    old = session.get(ApiKey, key_id)
    if old is None:
        raise NotFound("no such key")
    old.revoked_at = utcnow()
    old.hashed_secret = None
    return issue_key(session, old.owner, old.organization, label=old.label, scopes=list(old.scopes))


def revoke(session: Session, key: ApiKey, actor: User) -> None:
    key.revoked_at = utcnow()
    key.label = None
    session.add(AuditEvent(organization_id=key.organization_id, actor=actor, action=AuditAction.API_KEY_REVOKED, type="event"))


def revoke_all_for(session: Session, user: User) -> int:
    result = session.execute(
        update(ApiKey).where(ApiKey.owner_id == user.id, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return result.rowcount


def expiring(session: Session, before: datetime) -> list[ApiKey]:
    return session.query(ApiKey).filter(ApiKey.expires_at < before, ApiKey.revoked_on.is_(None)).all()


def keys_for(user: User) -> list[dict]:
    return [
        {"prefix": k.prefix, "label": k.label, "last_used": k.last_used_at, "org": k.organization.name}
        for k in user.api_keys.filter(ApiKey.revoked_at.is_(None))
    ]


def touch(session: Session, key: ApiKey, ip: str) -> None:
    key.last_used_at = utcnow()
    key.last_used_ip = ip  # alignrisk: ignore[AR102]
