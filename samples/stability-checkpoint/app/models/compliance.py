"""Compliance models: SOC 2 controls and GDPR consent / data subject requests."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy import Enum as SQLEnum
from sqlalchemy.orm import relationship

from app.db import Base
from app.models.mixins import TimestampMixin, UUIDPrimaryKeyMixin


class ConsentStatus(str, Enum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"


class RequestStatus(str, Enum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


class RequestType(str, Enum):
    ACCESS = "access"
    ERASURE = "erasure"
    RECTIFICATION = "rectification"
    PORTABILITY = "portability"


class ComplianceControl(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    """A SOC 2 / ISO 27001 control tracked by the compliance programme."""

    __tablename__ = "compliance_controls"

    framework = Column(String(20), nullable=False, default="soc2")
    control_id = Column(String(50), nullable=False, unique=True, index=True)
    title = Column(String(255), nullable=False)
    description = Column(Text, nullable=True)
    category = Column(String(100), nullable=True)
    owner_id = Column(String(36), ForeignKey("users.id"), nullable=True)
    evidence_required = Column(Boolean, nullable=False, default=True)
    test_frequency_days = Column(Integer, nullable=False, default=90)
    next_review_date = Column(DateTime, nullable=True)
    notes = Column(Text, nullable=True)

    # Status-related fields
    implementation_status = Column(String(50), default="not_implemented")
    remediation_status = Column(String(50), default="not_required")

    owner = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<ComplianceControl {self.control_id}>"


class ConsentRecord(UUIDPrimaryKeyMixin, Base):
    """A data subject's consent for one processing purpose (GDPR Art. 7)."""

    __tablename__ = "consent_records"

    user_id = Column(String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose = Column(String(100), nullable=False, index=True)
    status = Column(SQLEnum(ConsentStatus), default=ConsentStatus.GIVEN)
    lawful_basis = Column(String(50), nullable=False, default="consent")
    consent_version = Column(String(20), nullable=False, default="1.0")
    given_at = Column(DateTime, nullable=True)
    withdrawn_at = Column(DateTime, nullable=True)
    ip_address = Column(String(45), nullable=True)
    user_agent = Column(String(512), nullable=True)
    source = Column(String(50), nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class DataSubjectRequest(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    """A GDPR data subject request (access, erasure, ...)."""

    __tablename__ = "data_subject_requests"

    user_id = Column(String(36), ForeignKey("users.id"), nullable=True)
    subject_email = Column(String(255), nullable=False, index=True)
    request_type = Column(SQLEnum(RequestType), nullable=False)
    status = Column(SQLEnum(RequestStatus), default=RequestStatus.RECEIVED)
    received_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    due_date = Column(DateTime, nullable=True)
    completed_at = Column(DateTime, nullable=True)
    handled_by_id = Column(String(36), ForeignKey("users.id"), nullable=True)
    response_data = Column(JSON, nullable=True)
    failure_reason = Column(Text, nullable=True)
