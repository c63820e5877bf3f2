"""Reusable column mixins shared by the ORM models."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, String


def generate_uuid() -> str:
    return str(uuid.uuid4())


class UUIDPrimaryKeyMixin:
    """String UUID primary key (portable between PostgreSQL and SQLite)."""

    id = Column(String(36), primary_key=True, default=generate_uuid)


class TimestampMixin:
    """``created_at`` / ``updated_at`` maintained by SQLAlchemy."""

    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(
        DateTime, nullable=False, default=datetime.utcnow, onupdate=datetime.utcnow
    )
