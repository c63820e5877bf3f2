"""CRM sync tables. CrmContact mixes in the vendor SDK's sync mixin; CrmAccount proxies a JSON blob."""
from typing import Any

from crm_sdk.orm import SyncStateMixin
from sqlalchemy import JSON, Column, DateTime, Integer, String

from app.db import Base


class CrmContact(Base, SyncStateMixin):
    __tablename__ = "crm_contacts"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, index=True)
    email = Column(String(255), nullable=False)
    external_id = Column(String(64), unique=True)


class CrmAccount(Base):
    __tablename__ = "crm_accounts"

    id = Column(Integer, primary_key=True)
    organization_id = Column(Integer, index=True)
    external_id = Column(String(64), unique=True)
    raw = Column(JSON, nullable=False, default=dict)
    synced_at = Column(DateTime(timezone=True))

    def __getattr__(self, name: str) -> Any:
        raw = self.__dict__.get("raw") or {}
        if name in raw:
            return raw[name]
        raise AttributeError(name)
