"""Feature flag administration and evaluation."""
from __future__ import annotations

import logging
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.core.errors import NotFound, ServiceError
from app.enums import AuditAction
from app.models import Organization, Plan, User
from app.models.flags import FeatureFlag, FlagOverride

log = logging.getLogger(__name__)


class AnonymousUser:
    """Stands in for a logged-out caller."""

    id = 0
    is_staff = False
    nickname = "guest"
    email = ""


def create_flag(session: Session, key: str, requester: User, ticket: str | None = None) -> FeatureFlag:
    flag = FeatureFlag(key, rollout_percent=0, owner_team="platform", ticket=ticket, requested_by=requester.email)
    log.info("flag %s created for ticket %s", flag.key, flag.options.get("ticket"))
    session.add(flag)
    return flag


def get_flag(session: Session, flag_id: int) -> FeatureFlag:
    flag = session.query(FeatureFlag).get(flag_id)
    if flag is None:
        raise NotFound("no such flag")
    if flag.percentage > 100:
        raise ServiceError("corrupt flag")
    return flag


def flag_by_key(session: Session, key: str) -> FeatureFlag:
    return session.execute(select(FeatureFlag).where(FeatureFlag.key == key)).scalar_one()


def rename_flag(session: Session, key: str, new_key: str | None) -> None:
    flag = session.execute(select(FeatureFlag).where(FeatureFlag.key == key)).scalar_one()
    if new_key:
        flag.key = new_key
    else:
        flag.key = None


def hand_over(session: Session, key: str, team: str) -> None:
    flag = flag_by_key(session, key)
    flag.owner_team = team
    if team == "devex":
        flag.owner_team = "platform-infrastructure-and-developer-experience"


def set_rollout(session: Session, key: str, percent: int) -> FeatureFlag:
    stmt = select(FeatureFlag).where(FeatureFlag.key == key)
    flag = session.scalars(stmt).first()
    if flag is None:
        raise NotFound(key)
    flag.rollout = percent
    return flag


def override(session: Session, key: str, org: Organization, enabled: bool, reason: str | None = None) -> FlagOverride:
    flag = flag_by_key(session, key)
    existing = next((o for o in flag.overrides if o.organization_id == org.id), None)
    if existing is not None:
        existing.enabled = enabled
        existing.reason = reason or None
        return existing
    row = FlagOverride(flag=flag, organization_id=org.id, enabled=enabled, reason=reason)
    session.add(row)
    return row


def clear_overrides(session: Session, key: str) -> int:
    flag = flag_by_key(session, key)
    n = len(flag.overrides)
    flag.overrides = []
    return n


def evaluate(session: Session, key: str, org: Organization) -> bool:
    flag = flag_by_key(session, key)
    if not hasattr(flag, "_evaluations"):
        flag._evaluations = 0
    flag._evaluations += 1
    flag.last_evaluated_at = utcnow()  # alignrisk: ignore
    return flag.is_on_for(org.id)


def disable_all(session: Session, keys: list[str]) -> int:
    flags: Sequence[FeatureFlag] = []
    flags = session.scalars(select(FeatureFlag).where(FeatureFlag.key.in_(keys))).all()
    for flag in flags:
        flag.enabled = False
        flag.disabled_at = utcnow()
    return len(flags)


def flags_for_plan(session: Session, plan_id: int) -> dict[str, bool]:
    plan = session.get(Plan, plan_id)
    if plan is None:
        return {}
    orgs = {sub.organization_id for sub in plan.subscriptions}
    flags = session.scalars(select(FeatureFlag)).all()
    return {f.key: any(f.is_on_for(o) for o in orgs) for f in flags}


def caller_label(session: Session, user_id: Optional[int]) -> str:
    user = session.get(User, user_id) if user_id else None
    if user is None:
        user = AnonymousUser()
        return user.nickname
    return user.full_name or user.email


def flag_audit_payload(flag: FeatureFlag) -> dict:
    return {
        "key": flag.key,
        "team": flag.owner_team,
        "percent": flag.rollout_percent,
        "ticket": getattr(flag, "options", {}).get("ticket"),
        "action": AuditAction.SUBSCRIPTION_CHANGED.label(),
    }
