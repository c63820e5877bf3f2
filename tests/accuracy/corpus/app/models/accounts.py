"""Users, organizations, memberships and role-based access control."""
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    and_,
    func,
)
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import column_property, deferred, relationship, synonym

from app.db import Base
from app.enums import OrgPlanTier, RoleScope, UserStatus
from app.models.base import BaseModel
from app.models.mixins import SoftDeleteMixin, TenantMixin, TimestampMixin

role_permissions = Table(
    "role_permissions",
    Base.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", ForeignKey("permissions.id", ondelete="CASCADE"), primary_key=True),
)


class Organization(SoftDeleteMixin, BaseModel):
    __tablename__ = "organizations"

    MAX_SLUG_LENGTH = 60
    RESERVED_SLUGS = frozenset({"admin", "api", "www", "billing"})

    name = Column(String(120), nullable=False)
    slug = Column(String(60), nullable=False, unique=True)
    plan_tier = Column(Enum(OrgPlanTier), nullable=False, default=OrgPlanTier.FREE)
    billing_email = Column(String(255))
    seat_count = Column(Integer, nullable=False, default=1)
    country_code = Column(String(2))
    settings_json = deferred(Column(JSON, default=dict))

    memberships = relationship("Membership", back_populates="organization", cascade="all, delete-orphan")
    member_emails = association_proxy("memberships", "user_email")

    @property
    def is_enterprise(self) -> bool:
        return self.plan_tier == OrgPlanTier.ENTERPRISE

    @property
    def billing_address(self) -> dict:
        return dict((self.settings_json or {}).get("billing_address", {}))

    @billing_address.setter
    def billing_address(self, value: dict) -> None:
        self.settings_json = {**(self.settings_json or {}), "billing_address": dict(value)}

    def seats_left(self) -> int:
        return max(0, self.seat_count - len(self.memberships))


class User(SoftDeleteMixin, BaseModel):
    __tablename__ = "users"

    email = Column(String(255), nullable=False, unique=True)
    full_name = Column(String(200))
    password_hash = Column(String(128))
    status = Column(Enum(UserStatus), nullable=False, default=UserStatus.INVITED)
    last_login_at = Column(DateTime(timezone=True))
    locale = Column(String(5), nullable=False, default="en")
    timezone = Column(String(64))
    is_staff = Column(Boolean, nullable=False, default=False)
    failed_logins = Column(Integer, nullable=False, default=0)

    memberships = relationship("Membership", back_populates="user", foreign_keys="Membership.user_id")
    api_keys = relationship("ApiKey", backref="owner", lazy="dynamic")
    organizations = association_proxy("memberships", "organization")

    email_address = synonym("email")
    display_name = column_property(func.coalesce(full_name, email))

    @hybrid_property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE and self.deleted_at is None

    @is_active.expression
    def is_active(cls):
        return and_(cls.status == UserStatus.ACTIVE, cls.deleted_at.is_(None))

    @property
    def initials(self) -> str:
        parts = (self.full_name or self.email).split()
        return "".join(p[0].upper() for p in parts[:2])

    def check_password(self, raw: str) -> bool:
        from app.services.security import verify_hash

        return self.password_hash is not None and verify_hash(raw, self.password_hash)


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    SYSTEM_ROLES = ("owner", "admin", "member", "billing")

    id = Column(Integer, primary_key=True)
    organization_id = Column(ForeignKey("organizations.id"), nullable=True)
    name = Column(String(50), nullable=False)
    scope = Column(Enum(RoleScope), nullable=False, default=RoleScope.ORG)
    is_system = Column(Boolean, nullable=False, default=False)

    permissions = relationship("Permission", secondary=role_permissions, backref="roles")
    permission_codes = association_proxy("permissions", "code")

    def grants(self, code: str) -> bool:
        return code in self.permission_codes or "*" in self.permission_codes


class Permission(Base):
    __tablename__ = "permissions"

    id = Column(Integer, primary_key=True)
    code = Column(String(80), nullable=False, unique=True)
    description = Column(String(255))


class Membership(TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    organization_id = Column(ForeignKey("organizations.id"), nullable=False)
    role_id = Column(ForeignKey("roles.id"), nullable=False)
    invited_by_id = Column(ForeignKey("users.id"))
    accepted_at = Column(DateTime(timezone=True))

    user = relationship("User", back_populates="memberships", foreign_keys=[user_id])
    organization = relationship("Organization", back_populates="memberships")
    role = relationship("Role")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    user_email = association_proxy("user", "email")
    role_name = association_proxy("role", "name")

    @hybrid_property
    def is_pending(self) -> bool:
        return self.accepted_at is None

    @is_pending.expression
    def is_pending(cls):
        return cls.accepted_at.is_(None)


class Team(TenantMixin, BaseModel):
    __tablename__ = "teams"

    name = Column(String(80), nullable=False)
    description = Column(String(500))
    lead_id = Column(ForeignKey("users.id"))
    lead = relationship("User")


class ApiKey(TenantMixin, BaseModel):
    __tablename__ = "api_keys"

    owner_id = Column(ForeignKey("users.id"), nullable=False)
    prefix = Column(String(12), nullable=False, index=True)
    hashed_secret = Column(String(128), nullable=False)
    label = Column(String(80))
    scopes = Column(JSON, nullable=False, default=list)
    last_used_at = Column(DateTime(timezone=True))
    revoked_at = Column(DateTime(timezone=True))
    expires_at = Column(DateTime(timezone=True))

    def __init__(self, **kwargs):
        # The plaintext secret is shown once, right after creation; it is never stored.
        self.raw_secret = kwargs.pop("raw_secret", None)
        super().__init__(**kwargs)

    @hybrid_property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @is_revoked.expression
    def is_revoked(cls):
        return cls.revoked_at.isnot(None)
