"""Enumerations shared between models and services."""

from __future__ import annotations

from enum import Enum


class WebhookStatus(str, Enum):
    """Lifecycle of a single outbound webhook delivery."""

    PENDING = "pending"
    SENDING = "sending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
    DLQ = "dlq"


class MemberRole(str, Enum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class MemberStatus(str, Enum):
    ACTIVE = "active"
    INVITED = "invited"
    SUSPENDED = "suspended"
    REMOVED = "removed"
