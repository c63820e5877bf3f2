"""Organizations (tenants) and their memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import relationship

from app.db import Base
from app.models.enums import MemberRole, MemberStatus
from app.models.mixins import TimestampMixin, UUIDPrimaryKeyMixin


class Organization(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "organizations"

    name = Column(String(255), nullable=False)
    slug = Column(String(100), nullable=False, unique=True, index=True)
    plan = Column(String(50), nullable=False, default="free")
    is_active = Column(Boolean, nullable=False, default=True)
    stripe_customer_id = Column(String(64), nullable=True, unique=True)

    members = relationship(
        "OrganizationMember",
        backref="organization",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class OrganizationMember(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    """A user's membership in an organization.

    ``status`` was added in week 4 (migration 007) after RBAC checks on
    ``OrganizationMember.status`` failed at runtime.
    """

    __tablename__ = "organization_members"
    __table_args__ = (UniqueConstraint("organization_id", "user_id", name="uq_org_member"),)

    organization_id = Column(
        String(36), ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    user_id = Column(String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    role = Column(String(20), nullable=False, default=MemberRole.MEMBER.value)
    status = Column(String(20), nullable=False, default=MemberStatus.ACTIVE.value)
    invited_by_id = Column(String(36), ForeignKey("users.id"), nullable=True)
    joined_at = Column(DateTime, nullable=True, default=datetime.utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<OrganizationMember {self.user_id} in {self.organization_id} ({self.role})>"
