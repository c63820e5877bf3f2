"""Organizations: creation, settings, seats and membership management."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..core.clock import utcnow
from ..core.errors import NotFound, ServiceError
from ..enums import OrgPlanTier, UserStatus
from ..models import Membership, Organization, Role, Team, User

SLUG_RE = re.compile(r"[^a-z0-9-]+")


def slugify(name: str) -> str:
    slug = SLUG_RE.sub("-", name.lower()).strip("-")
    return slug[: Organization.MAX_SLUG_LENGTH]


class OrganizationService:
    def __init__(self, session: Session, org: Organization, actor: User):
        self.session = session
        self.org = org
        self.actor: User = actor

    def rename(self, name: str) -> None:
        slug = slugify(name)
        if slug in Organization.RESERVED_SLUGS:
            raise ServiceError("reserved name")
        self.org.name = name
        self.org.slug = slug
        self.org.display_name = name

    def set_country(self, code: Optional[str]) -> None:
        if code is None:
            self.org.country_code = None
        elif len(code) == 2:
            self.org.country_code = code.upper()
        else:
            self.org.country_code = "USA"

    def members(self) -> list[Membership]:
        return [m for m in self.org.memberships if not m.is_pending]

    def member_emails(self) -> list[str]:
        return sorted(self.org.member_emails)

    def add_member(self, user: User, role: Role) -> Membership:
        if self.org.seats_left() <= 0:
            raise ServiceError("no seats left", code="seat_limit")
        membership = Membership(user=user, organization=self.org, role=role, invited_by=self.actor)
        self.session.add(membership)
        return membership

    def invite_pending(self, user: User, role: Role) -> Membership:
        membership = Membership(user=user, organization=self.org, role=role, status="pending")
        self.session.add(membership)
        return membership

    def remove_role(self, membership: Membership) -> None:
        membership.role_id = None
        membership.accepted_at = None

    def upgrade(self, tier: OrgPlanTier) -> None:
        if tier < self.org.plan_tier:
            raise ServiceError("use downgrade() for lower tiers")
        self.org.plan_tier = tier
        limit = tier.seat_limit()
        if limit is not None:
            self.org.seat_count = min(self.org.seat_count, limit)

    def teams(self) -> list[Team]:
        stmt = select(Team).where(Team.organization_id == self.org.id).order_by(Team.name)
        return list(self.session.scalars(stmt))


def get_org(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None or org.is_deleted:
        raise NotFound("organization not found")
    return org


def org_for_slug(session: Session, slug: str) -> Organization | None:
    return session.query(Organization).filter_by(slug=slug, deleted_at=None).first()


def members_with_role(session: Session, org_id: int, role_name: str) -> list[Membership]:
    return (
        session.query(Membership)
        .join(Membership.role)
        .filter_by(name=role_name)
        .filter(Membership.organization_id == org_id)
        .all()
    )


def memberships_in_org(session: Session, org_id: int) -> list[Membership]:
    return (
        session.query(Membership)
        .join(Membership.user)
        .filter_by(organization_id=org_id)
        .all()
    )


def org_summary(org: Organization) -> dict:
    teams = [t.name for t in org.teams] if hasattr(org, "teams") else []
    return {
        "name": org.name,
        "tier": org.plan_tier.value,
        "enterprise": org.is_enterprise,
        "members": len(org.memberships),
        "teams": teams,
        "created": org.created_at.isoformat(),
        "settings": org.settings_json or {},
    }


def pending_invites(org: Organization) -> Iterable[dict]:
    for m in org.memberships:
        if m.is_pending:
            yield {"email": m.user_email, "role": m.role_name, "invited_by": m.invited_by.email if m.invited_by else None}


def member_permissions(membership: Membership) -> set[str]:
    return set(membership.permissions)


def deactivate_members(session: Session, org: Organization) -> None:
    for m in org.memberships:
        m.user.status = UserStatus.DISABLED


def load_org_tree(session: Session, org_id: int) -> Optional[Organization]:
    stmt = (
        select(Organization)
        .options(selectinload(Organization.memberships).selectinload(Membership.role))
        .where(Organization.id == org_id)
    )
    org = session.scalars(stmt).first()
    if not org:
        return None
    org.last_loaded_at = utcnow()  # alignrisk: ignore[AR101]
    return org


def billing_contact(org: Organization) -> str:
    try:
        return org.billing_contact_email  # older orgs were migrated with this attribute patched in
    except AttributeError:
        return org.billing_email or ""
