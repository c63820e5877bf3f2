import enum

from sqlalchemy import Column, Enum, ForeignKey, Integer, String

from app.db import Base


class ControlStatus(str, enum.Enum):
    EFFECTIVE = "effective"
    INEFFECTIVE = "ineffective"
    NOT_TESTED = "not_tested"


class Control(Base):
    __tablename__ = "controls"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    implementation_status = Column(String(50), default="not_implemented")
    remediation_status = Column(String(50), default="not_required")
    result = Column(Enum(ControlStatus), default=ControlStatus.NOT_TESTED)
    owner_id = Column(Integer, ForeignKey("users.id"))


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False)
    status = Column(String(30), nullable=False, default="open")
    total_cents = Column(Integer, nullable=False, default=0)
