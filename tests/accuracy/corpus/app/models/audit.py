"""Audit trail: joined-table inheritance, one table per event type."""
from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.core.clock import utcnow
from app.db import Base
from app.enums import AuditAction, LoginMethod


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    organization_id = Column(ForeignKey("organizations.id"), index=True)
    actor_id = Column(ForeignKey("users.id"))
    action = Column(Enum(AuditAction), nullable=False)
    occurred_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    ip_address = Column(String(45))
    user_agent = Column(String(255))
    type = Column(String(32), nullable=False)

    actor = relationship("User")

    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "event"}


class LoginEvent(AuditEvent):
    __tablename__ = "audit_login_events"

    id = Column(ForeignKey("audit_events.id"), primary_key=True)
    success = Column(Boolean, nullable=False)
    method = Column(String(16), nullable=False, default=LoginMethod.PASSWORD.value)
    failure_reason = Column(String(120))

    __mapper_args__ = {"polymorphic_identity": "login"}


class RoleChangeEvent(AuditEvent):
    __tablename__ = "audit_role_changes"

    id = Column(ForeignKey("audit_events.id"), primary_key=True)
    membership_id = Column(ForeignKey("memberships.id"), nullable=False)
    old_role = Column(String(50))
    new_role = Column(String(50), nullable=False)

    membership = relationship("Membership")

    __mapper_args__ = {"polymorphic_identity": "role_change"}
