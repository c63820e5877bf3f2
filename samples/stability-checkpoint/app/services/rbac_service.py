"""Role-based access control for organizations.

Permissions derive from the member's role; only ``active`` memberships
grant anything.  (Week 4: these checks failed with ``AttributeError``
until ``OrganizationMember.status`` was added by migration 007.)
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Dict, FrozenSet, List, Optional

from sqlalchemy.orm import Session

from app.models.enums import MemberRole, MemberStatus
from app.models.organization import Organization, OrganizationMember

logger = logging.getLogger(__name__)

ROLE_PERMISSIONS: Dict[str, FrozenSet[str]] = {
    MemberRole.VIEWER.value: frozenset({"org:read", "billing:read"}),
    MemberRole.MEMBER.value: frozenset({"org:read", "billing:read", "webhooks:read", "compliance:read"}),
    MemberRole.ADMIN.value: frozenset(
        {
            "org:read",
            "org:write",
            "members:manage",
            "billing:read",
            "webhooks:read",
            "webhooks:write",
            "compliance:read",
            "compliance:write",
        }
    ),
}
ROLE_PERMISSIONS[MemberRole.OWNER.value] = ROLE_PERMISSIONS[MemberRole.ADMIN.value] | {
    "billing:write",
    "org:delete",
    "owners:manage",
}

ROLE_RANK = {
    MemberRole.VIEWER.value: 0,
    MemberRole.MEMBER.value: 1,
    MemberRole.ADMIN.value: 2,
    MemberRole.OWNER.value: 3,
}


class PermissionDenied(Exception):
    """The acting user may not perform the requested operation."""


class RBACService:
    """Membership management and permission checks."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def get_active_membership(self, user_id: str, organization_id: str) -> Optional[OrganizationMember]:
        return (
            self.db.query(OrganizationMember)
            .filter(
                OrganizationMember.user_id == user_id,
                OrganizationMember.organization_id == organization_id,
                OrganizationMember.status == "active",
            )
            .one_or_none()
        )

    def has_permission(self, user_id: str, organization_id: str, permission: str) -> bool:
        member = self.get_active_membership(user_id, organization_id)
        if member is None:
            return False
        if not member.organization.is_active:
            return False
        return permission in ROLE_PERMISSIONS.get(member.role, frozenset())

    def require(self, user_id: str, organization_id: str, permission: str) -> None:
        if not self.has_permission(user_id, organization_id, permission):
            logger.info("denied %s to user %s in %s", permission, user_id, organization_id)
            raise PermissionDenied(permission)

    def list_members(self, organization_id: str, include_inactive: bool = False) -> List[OrganizationMember]:
        query = self.db.query(OrganizationMember).filter(
            OrganizationMember.organization_id == organization_id
        )
        if not include_inactive:
            query = query.filter(OrganizationMember.status == MemberStatus.ACTIVE.value)
        return query.order_by(OrganizationMember.joined_at).all()

    def invite_member(
        self, actor_id: str, organization_id: str, user_id: str, role: str = MemberRole.MEMBER.value
    ) -> OrganizationMember:
        """Invite ``user_id``; the membership is ``invited`` until accepted."""
        self.require(actor_id, organization_id, "members:manage")
        if role not in ROLE_RANK:
            raise ValueError(f"unknown role: {role}")
        if role == MemberRole.OWNER.value:
            self.require(actor_id, organization_id, "owners:manage")

        existing = (
            self.db.query(OrganizationMember)
            .filter_by(organization_id=organization_id, user_id=user_id)
            .one_or_none()
        )
        if existing is not None and existing.status != MemberStatus.REMOVED.value:
            raise ValueError(f"user {user_id} is already a member ({existing.status})")

        if existing is not None:
            member = existing
            member.role = role
            member.status = MemberStatus.INVITED.value
            member.invited_by_id = actor_id
            member.joined_at = None
        else:
            member = OrganizationMember(
                organization_id=organization_id,
                user_id=user_id,
                role=role,
                status=MemberStatus.INVITED.value,
                invited_by_id=actor_id,
                joined_at=None,
            )
            self.db.add(member)
        self.db.commit()
        logger.info("user %s invited to %s as %s by %s", user_id, organization_id, role, actor_id)
        return member

    def accept_invite(self, user_id: str, organization_id: str) -> OrganizationMember:
        member = (
            self.db.query(OrganizationMember)
            .filter_by(organization_id=organization_id, user_id=user_id, status="invited")
            .one_or_none()
        )
        if member is None:
            raise LookupError("no pending invitation")
        member.status = MemberStatus.ACTIVE.value
        member.joined_at = datetime.utcnow()
        self.db.commit()
        return member

    def change_role(self, actor_id: str, member_id: str, role: str) -> OrganizationMember:
        member = self.db.get(OrganizationMember, member_id)
        if member is None:
            raise LookupError(f"member {member_id} not found")
        self.require(actor_id, member.organization_id, "members:manage")
        if MemberRole.OWNER.value in (role, member.role):
            self.require(actor_id, member.organization_id, "owners:manage")
        if member.role == MemberRole.OWNER.value and self._owner_count(member.organization_id) <= 1:
            raise ValueError("an organization needs at least one owner")
        member.role = role
        self.db.commit()
        return member

    def suspend_member(self, actor_id: str, member_id: str) -> OrganizationMember:
        member = self.db.get(OrganizationMember, member_id)
        if member is None:
            raise LookupError(f"member {member_id} not found")
        self.require(actor_id, member.organization_id, "members:manage")
        if member.user_id == actor_id:
            raise ValueError("members cannot suspend themselves")
        if ROLE_RANK.get(member.role, 0) > ROLE_RANK.get(self._role_of(actor_id, member.organization_id), 0):
            raise PermissionDenied("cannot suspend a member with a higher role")
        member.status = MemberStatus.SUSPENDED.value
        self.db.commit()
        logger.warning("member %s of %s suspended by %s", member.user_id, member.organization.slug, actor_id)
        return member

    def remove_member(self, actor_id: str, member_id: str) -> None:
        member = self.db.get(OrganizationMember, member_id)
        if member is None:
            raise LookupError(f"member {member_id} not found")
        self.require(actor_id, member.organization_id, "members:manage")
        if member.role == MemberRole.OWNER.value and self._owner_count(member.organization_id) <= 1:
            raise ValueError("cannot remove the last owner")
        member.status = MemberStatus.REMOVED.value
        self.db.commit()

    def organizations_for_user(self, user_id: str) -> List[Organization]:
        return (
            self.db.query(Organization)
            .join(OrganizationMember, OrganizationMember.organization_id == Organization.id)
            .filter(
                OrganizationMember.user_id == user_id,
                OrganizationMember.status == MemberStatus.ACTIVE.value,
                Organization.is_active.is_(True),
            )
            .order_by(Organization.name)
            .all()
        )

    def _role_of(self, user_id: str, organization_id: str) -> Optional[str]:
        member = self.get_active_membership(user_id, organization_id)
        return member.role if member is not None else None

    def _owner_count(self, organization_id: str) -> int:
        return (
            self.db.query(OrganizationMember)
            .filter(
                OrganizationMember.organization_id == organization_id,
                OrganizationMember.role == MemberRole.OWNER.value,
                OrganizationMember.status == MemberStatus.ACTIVE.value,
            )
            .count()
        )
