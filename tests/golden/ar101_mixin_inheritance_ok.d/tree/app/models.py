from sqlalchemy import Column, ForeignKey, Integer, String

from app.db import Base
from app.mixins import SoftDeleteMixin, TimestampMixin


class AuditedBase(Base):
    __abstract__ = True

    created_by = Column(String(64), nullable=True)


class Document(AuditedBase, TimestampMixin, SoftDeleteMixin):
    __tablename__ = "documents"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False)

    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "document"}


class Contract(Document):
    __tablename__ = "contracts"

    id = Column(Integer, ForeignKey("documents.id"), primary_key=True)
    counterparty = Column(String(200), nullable=False)

    __mapper_args__ = {"polymorphic_identity": "contract"}
