"""Outgoing webhooks, mapped with registry.mapped (no shared declarative base)."""
import enum
from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Column, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import registry, relationship

mapper_registry = registry()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class WebhookDeliveryStatus(enum.Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    RETRYING = "retrying"
    ABANDONED = "abandoned"


@mapper_registry.mapped
class WebhookEndpoint:
    __tablename__ = "webhook_endpoints"

    id = Column(Integer, primary_key=True)
    organization_id = Column(Integer, nullable=False, index=True)
    url = Column(String(500), nullable=False)
    secret = Column(String(64), nullable=False)
    event_types = Column(JSON, nullable=False, default=list)
    is_enabled = Column(Boolean, nullable=False, default=True)
    failure_count = Column(Integer, nullable=False, default=0)
    disabled_reason = Column(String(200))
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)

    deliveries = relationship("WebhookDelivery", back_populates="endpoint", cascade="all, delete-orphan")

    MAX_FAILURES = 20

    def subscribes_to(self, event_type: str) -> bool:
        return "*" in self.event_types or event_type in self.event_types


@mapper_registry.mapped
class WebhookDelivery:
    __tablename__ = "webhook_deliveries"

    id = Column(Integer, primary_key=True)
    endpoint_id = Column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False)
    event_type = Column(String(64), nullable=False)
    payload = Column(JSON, nullable=False)
    status = Column(
        Enum(WebhookDeliveryStatus, name="webhook_delivery_status", values_callable=lambda e: [m.value for m in e]),
        nullable=False,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempt = Column(Integer, nullable=False, default=1)
    response_code = Column(Integer)
    response_body = Column(Text)
    duration_ms = Column(Integer)
    next_retry_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)

    endpoint = relationship("WebhookEndpoint", back_populates="deliveries")
