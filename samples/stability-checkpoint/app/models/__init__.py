"""ORM models.

Importing this package registers every table on ``app.db.Base.metadata``.
Webhook models live here for historical reasons (they predate the split
into per-domain modules).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy import Enum as SQLEnum
from sqlalchemy.orm import relationship

from app.db import Base
from app.models.billing import Invoice, InvoiceStatus, Subscription, SubscriptionStatus
from app.models.compliance import (
    ComplianceControl,
    ConsentRecord,
    ConsentStatus,
    DataSubjectRequest,
    RequestStatus,
    RequestType,
)
from app.models.enums import MemberRole, MemberStatus, WebhookStatus
from app.models.mixins import TimestampMixin, UUIDPrimaryKeyMixin
from app.models.organization import Organization, OrganizationMember
from app.models.user import User


class WebhookEndpoint(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    """A customer-registered URL that receives event notifications."""

    __tablename__ = "webhook_endpoints"

    organization_id = Column(
        String(36), ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    url = Column(String(500), nullable=False)
    secret = Column(String(128), nullable=False)
    description = Column(String(255), nullable=True)
    is_active = Column(Boolean, nullable=False, default=True)
    event_types = Column(JSON, nullable=False, default=list)

    deliveries = relationship("WebhookDelivery", back_populates="endpoint")


class WebhookDelivery(UUIDPrimaryKeyMixin, Base):
    """One attempt-tracked delivery of an event to a webhook endpoint."""

    __tablename__ = "webhook_deliveries"

    endpoint_id = Column(
        String(36), ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False
    )
    event_type = Column(String(100), nullable=False)
    payload = Column(JSON, nullable=False)
    status = Column(SQLEnum(WebhookStatus), default=WebhookStatus.PENDING)
    attempt_count = Column(Integer, nullable=False, default=0)
    max_attempts = Column(Integer, nullable=False, default=5)
    next_retry_at = Column(DateTime, nullable=True)
    last_error = Column(Text, nullable=True)
    response_status_code = Column(Integer, nullable=True)
    delivered_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)

    endpoint = relationship("WebhookEndpoint", back_populates="deliveries")


__all__ = [
    "Base",
    "ComplianceControl",
    "ConsentRecord",
    "ConsentStatus",
    "DataSubjectRequest",
    "Invoice",
    "InvoiceStatus",
    "MemberRole",
    "MemberStatus",
    "Organization",
    "OrganizationMember",
    "RequestStatus",
    "RequestType",
    "Subscription",
    "SubscriptionStatus",
    "TimestampMixin",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookStatus",
]
