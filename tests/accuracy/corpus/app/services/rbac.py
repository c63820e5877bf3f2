"""Role-based access control: roles, permissions and checks."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

import app.models.accounts as accounts
from app.core.errors import NotFound, PermissionDenied
from app.enums import AuditAction, RoleScope
from app.models import Membership, Permission, Role, RoleChangeEvent, User

DEFAULT_GRANTS = {
    "owner": ["*"],
    "admin": ["members:write", "billing:read", "settings:write"],
    "member": ["projects:read", "projects:write"],
    "billing": ["billing:read", "billing:write"],
}


def seed_system_roles(session: Session) -> list[Role]:
    roles = []
    for name in Role.SYSTEM_ROLES:
        role = Role(name=name, is_system=True, scope=RoleScope.ORG)
        for code in DEFAULT_GRANTS[name]:
            perm = session.query(Permission).filter_by(code=code).one_or_none()
            if perm is None:
                perm = Permission(code=code, description=code.replace(":", " "))
            role.permissions.append(perm)
        session.add(role)
        roles.append(role)
    return roles


def role_by_name(session: Session, org_id: int, name: str) -> Role:
    role = session.execute(
        select(Role).where(Role.organization_id == org_id, Role.name == name)
    ).scalar_one_or_none()
    if role is None:
        raise NotFound(f"role {name!r} not found")
    return role


def membership_for(session: Session, user: User, org_id: int) -> Optional[Membership]:
    return session.execute(
        select(Membership).where(Membership.user_id == user.id, Membership.organization_id == org_id)
    ).scalar_one_or_none()


def can(session: Session, user: User, org_id: int, code: str) -> bool:
    if user.is_staff:
        return True
    membership = membership_for(session, user, org_id)
    if membership is None or membership.is_pending:
        return False
    return membership.role.grants(code)


def require(session: Session, user: User, org_id: int, code: str) -> None:
    if not can(session, user, org_id, code):
        raise PermissionDenied(f"{code} required")


def permission_codes(role: Role) -> list[str]:
    return sorted(role.permission_codes)


def roles_with_permission(session: Session, code: str) -> list[Role]:
    perm = session.query(Permission).filter(Permission.code == code).one()
    return list(perm.roles)


def grant(session: Session, role_id: int, code: str) -> None:
    role = session.get(Role, role_id)
    if role is None:
        raise NotFound("role not found")
    if code in role.permission_codes:
        return
    perm = session.query(Permission).filter_by(code=code).one_or_none() or Permission(code=code)
    role.permissions.append(perm)
    role.updated_at = None


def change_role(session: Session, actor: User, membership_id: int, new_role: Role) -> RoleChangeEvent:
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound("membership not found")
    old = membership.role_name
    membership.role = new_role
    event = RoleChangeEvent(
        organization_id=membership.organization_id,
        actor=actor,
        action=AuditAction.ROLE_GRANTED,
        membership=membership,
        old_role=old,
        new_role=new_role.name,
    )
    session.add(event)
    return event


def revoke_all(session: Session, actor: User, membership: Membership) -> RoleChangeEvent:
    event = RoleChangeEvent(membership=membership, actor=actor, action=AuditAction.ROLE_REVOKED, old_role=membership.role.name, new_role=None)
    membership.role = session.query(Role).filter_by(name="member", organization_id=None).one()
    session.add(event)
    return event


def audit_role_changes(session: Session, org_id: int) -> Sequence[RoleChangeEvent]:
    stmt = (
        select(RoleChangeEvent)
        .where(RoleChangeEvent.organization_id == org_id)
        .order_by(RoleChangeEvent.occurred_at.desc())
    )
    return session.scalars(stmt).all()


def describe_change(event: RoleChangeEvent) -> str:
    who = event.actor.email if event.actor else "system"
    return f"{who} changed {event.membership.user_email} from {event.old_role} to {event.new_role} ({event.action.label()})"


def scoped_roles(session: Session, scope: RoleScope) -> list[Role]:
    return session.query(accounts.Role).filter(accounts.Role.scope == scope).all()


def project_roles(session: Session) -> list[Role]:
    return session.query(accounts.Role).filter(accounts.Role.scope >= RoleScope.WORKSPACE).all()


def roles_by_level(session: Session, min_level: int) -> list[Role]:
    return session.query(Role).filter(Role.level >= min_level).order_by(Role.name).all()


@lru_cache(maxsize=1024)
def cached_grants(role_id: int) -> frozenset[str]:
    from app.db import SessionLocal

    with SessionLocal() as session:
        role = session.get(Role, role_id)
        return frozenset(role.permission_codes) if role else frozenset()


def effective_codes(memberships: list[Membership]) -> set[str]:
    codes: set[str] = set()
    for membership in memberships:
        codes.update(membership.role.permission_codes)
    return codes
