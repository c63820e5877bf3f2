"""Audit log queries and exports."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectin_polymorphic

from app.enums import AuditAction
from app.models import AuditEvent, LoginEvent, RoleChangeEvent, User


def record(session: Session, action: AuditAction, *, actor: User | None = None, org_id: int | None = None, ip: str | None = None) -> AuditEvent:
    event = AuditEvent(action=action, actor=actor, organization_id=org_id, ip_address=ip, type="event")
    session.add(event)
    return event


def record_detailed(session: Session, action: AuditAction, actor: User, details: dict) -> AuditEvent:
    event = AuditEvent(action=action, actor=actor, details=details, type="event")
    session.add(event)
    return event


def events_for_org(session: Session, org_id: int, since: datetime) -> Sequence[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .options(selectin_polymorphic(AuditEvent, [LoginEvent, RoleChangeEvent]))
        .where(AuditEvent.organization_id == org_id, AuditEvent.occurred_at >= since)
        .order_by(AuditEvent.occurred_at.desc())
    )
    return session.scalars(stmt).all()


def failed_logins(session: Session, user: User) -> list[LoginEvent]:
    return (
        session.query(LoginEvent)
        .filter(LoginEvent.actor_id == user.id, LoginEvent.success.is_(False))
        .order_by(LoginEvent.occurred_at.desc())
        .all()
    )


def login_methods(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in session.query(LoginEvent).filter(LoginEvent.method != "password"):
        counts[event.method] = counts.get(event.method, 0) + 1
    return counts


def magic_link_logins(session: Session) -> list[LoginEvent]:
    return session.query(LoginEvent).filter(LoginEvent.method == "magic-link").all()


def sso_failures(session: Session) -> list[LoginEvent]:
    return session.query(LoginEvent).filter_by(success=False, provider="saml").all()


def login_timeline(session: Session, user: User) -> list[str]:
    lines = []
    for event in session.query(LoginEvent).filter_by(actor=user).order_by(LoginEvent.id):
        status = "ok" if event.success else f"failed: {event.failure_reason}"
        lines.append(f"{event.occurred_at:%Y-%m-%d %H:%M} {event.action.label()} {status}")
    return lines


def export_csv(events: Sequence[AuditEvent]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["when", "action", "actor", "ip", "detail"])
    for event in events:
        detail = ""
        if isinstance(event, RoleChangeEvent):
            detail = f"{event.old_role} -> {event.new_role}"
        elif isinstance(event, LoginEvent):
            detail = "success" if event.success else (event.failure_reason or "failure")
        writer.writerow([event.occurred_at.isoformat(), event.action.name, event.actor.email if event.actor else "", event.ip_address or "", detail])
    return buf.getvalue()


def iter_by_action(session: Session, action: AuditAction) -> Iterator[AuditEvent]:
    yield from session.scalars(select(AuditEvent).where(AuditEvent.action == action))


def invoice_payment_events(session: Session) -> list[AuditEvent]:
    return list(iter_by_action(session, AuditAction.INVOICE_PAID))


def user_agent_report(session: Session) -> dict[str, int]:
    report: dict[str, int] = {}
    for event in iter_by_action(session, AuditAction.LOGIN):
        agent = event.browser or "unknown"
        report[agent] = report.get(agent, 0) + 1
    return report
