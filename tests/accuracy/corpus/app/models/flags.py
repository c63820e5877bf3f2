"""Feature flags and per-organization overrides."""
import functools

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import BaseModel

NotNullColumn = functools.partial(Column, nullable=False)


class FeatureFlag(BaseModel):
    __tablename__ = "feature_flags"

    key = NotNullColumn(String(64), unique=True)
    description = Column(String(255))
    enabled = NotNullColumn(Boolean, default=False)
    rollout_percent = NotNullColumn(Integer, default=0)
    owner_team = Column(String(40))

    overrides = relationship("FlagOverride", back_populates="flag", cascade="all, delete-orphan")

    def __init__(self, key: str, **options):
        super().__init__(key=key)
        for name in ("description", "enabled", "rollout_percent", "owner_team"):
            if name in options:
                setattr(self, name, options.pop(name))
        # Anything else (a ticket number, a requester) is kept for the audit entry only.
        self.options = options

    def is_on_for(self, org_id: int) -> bool:
        for override in self.overrides:
            if override.organization_id == org_id:
                return override.enabled
        return self.enabled and (org_id % 100) < self.rollout_percent


class FlagOverride(BaseModel):
    __tablename__ = "feature_flag_overrides"

    flag_id = NotNullColumn(ForeignKey("feature_flags.id", ondelete="CASCADE"))
    organization_id = NotNullColumn(ForeignKey("organizations.id"))
    enabled = NotNullColumn(Boolean)
    reason = Column(String(200))

    flag = relationship("FeatureFlag", back_populates="overrides")
