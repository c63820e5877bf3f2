"""Columns and behaviour shared by many models."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.ext.declarative import declared_attr
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import relationship

from app.core.clock import utcnow


class TimestampMixin:
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at = Column(DateTime(timezone=True), nullable=True)

    @hybrid_property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @is_deleted.expression
    def is_deleted(cls):
        return cls.deleted_at.isnot(None)

    def soft_delete(self) -> None:
        self.deleted_at = utcnow()

    def restore(self) -> None:
        self.deleted_at = None


class TenantMixin:
    """Rows that belong to one organization."""

    @declared_attr
    def organization_id(cls):
        return Column(Integer, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True)

    @declared_attr
    def organization(cls):
        return relationship("Organization")
