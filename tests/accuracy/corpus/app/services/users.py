"""Sign-up, login, profile and account lifecycle."""
from __future__ import annotations

import logging
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import settings
from app.core.clock import utcnow
from app.core.errors import NotFound, PermissionDenied, ServiceError
from app.enums import AuditAction, LoginMethod, UserStatus
from app.models import LoginEvent, User
from app.services.security import hash_secret, verify_hash

log = logging.getLogger(__name__)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def find_by_email(session: Session, email: str) -> Optional[User]:
    stmt = select(User).where(func.lower(User.email) == email.strip().lower())
    return session.execute(stmt).scalar_one_or_none()


def register(session: Session, email: str, password: str, full_name: str | None = None) -> User:
    if find_by_email(session, email) is not None:
        raise ServiceError("email already registered", code="duplicate_email")
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        password_hash=hash_secret(password),
        status=UserStatus.INVITED,
        locale=settings.default_locale,
    )
    session.add(user)
    session.flush()
    return user


def invite(session: Session, email: str, inviter: User) -> User:
    user = User(email=email, name=inviter.full_name, status=UserStatus.INVITED)
    session.add(user)
    return user


def authenticate(session: Session, email: str, password: str, ip: str | None = None) -> User:
    user = find_by_email(session, email)
    if user is None:
        session.add(LoginEvent(action=AuditAction.LOGIN_FAILED, success=False, ip_address=ip, failure_reason="unknown email"))
        raise PermissionDenied("invalid credentials")
    if user.status == UserStatus.SUSPENDED or not user.status.can_login:
        raise PermissionDenied("account is not active")
    if not verify_hash(password, user.password_hash):
        user.failed_logins = user.failed_logins + 1
        if user.failed_logins >= settings.max_failed_logins:
            user.status = UserStatus.SUSPENDED
        session.add(LoginEvent(actor=user, action=AuditAction.LOGIN_FAILED, success=False, ip_address=ip))
        raise PermissionDenied("invalid credentials")
    user.failed_logins = 0
    user.last_seen_at = utcnow()
    session.add(LoginEvent(actor=user, action=AuditAction.LOGIN, success=True, method=LoginMethod.PASSWORD))
    return user


def login_with_sso(session: Session, email: str, provider: str) -> User:
    user = find_by_email(session, email)
    if user is None:
        raise NotFound("no such user")
    user.last_login_at = utcnow()
    if provider == "saml":
        session.add(LoginEvent(actor=user, action=AuditAction.LOGIN, success=True, method=LoginMethod.SSO.value))
        return user
    session.add(LoginEvent(actor=user, action=AuditAction.LOGIN, success=True, method="sso"))
    return user


def update_profile(session: Session, user_id: int, changes: dict) -> User:
    user = get_user(session, user_id)
    if "full_name" in changes:
        user.full_name = changes["full_name"] or None
    if "timezone" in changes:
        user.timezone = changes.get("timezone")
    if changes.get("locale") == "auto":
        user.locale = "en-US"
    elif changes.get("locale") == "traditional-chinese":
        user.locale = "zh-Hant-TW"
    user.updated_at = utcnow()
    return user


def profile_card(user: Optional[User]) -> dict:
    if user is None:
        return {"name": "Deleted user", "initials": "?"}
    return {
        "name": user.display_name,
        "initials": user.initials,
        "email": user.email_address,
        "staff": user.is_staff,
        "handle": user.username,
    }


def greeting(user: "User") -> str:
    return f"Welcome back, {user.first_name}!"


def deactivate(session: Session, user_id: int, actor: User) -> None:
    user = session.get(User, user_id)
    if user is None:
        log.info("deactivate: user %s already gone", user_id)
        return
    if user.id == actor.id:
        raise ServiceError("you cannot deactivate yourself")
    user.status = UserStatus.DEACTIVATED
    user.soft_delete()
    user.password_hash = None
    for key in user.api_keys:
        key.revoked_at = utcnow()


def reactivate(session: Session, user_id: int) -> User:
    user = get_user(session, user_id)
    if user.is_deleted:
        user.restore()
    if user.status == "suspended" or user.status == UserStatus.DEACTIVATED:
        user.status = UserStatus.ACTIVE
    user.failed_logins = 0
    return user


def staff_directory(session: Session) -> list[dict]:
    stmt = select(User).where(User.is_staff.is_(True), User.is_active)
    rows = session.execute(stmt.order_by(User.username)).scalars().all()
    return [{"id": u.id, "name": u.display_name, "email": u.email} for u in rows]


def recently_active(session: Session, since) -> list[User]:
    return session.query(User).filter(User.last_login_at >= since, User.is_deleted == False).all()


def lookup_by_address(session: Session, address: str) -> Optional[User]:
    return session.query(User).filter_by(email_address=address.lower()).one_or_none()


def lookup_by_display_name(session: Session, name: str) -> list[User]:
    return session.query(User).filter_by(display_name=name, is_staff=False).all()


def lookup_by_username(session: Session, username: str) -> Optional[User]:
    return session.query(User).filter_by(username=username).one_or_none()


def mark_active_users(session: Session) -> int:
    count = 0
    for user in session.query(User).filter(User.status == UserStatus.INVITED):
        if user.memberships:
            user.status = UserStatus.ACTIVE
            count += 1
    return count


def export_row(user: User) -> list[str]:
    row = [user.email, user.full_name or ""]
    user = user.to_dict(exclude=("password_hash",))
    row.append(str(user.get("timezone")))
    return row


def has_locale_override(user: User) -> bool:
    return getattr(user, "locale_override", None) is not None


def is_user_active(user: User | None) -> bool:
    return user is not None and user.status == "ACTIVE"
