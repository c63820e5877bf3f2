"""HTTP handlers (framework-neutral: each takes a request dict and a session)."""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.schemas import InvoiceOut, Page, SubscriptionIn, UserOut
from app.core.errors import NotFound, ServiceError
from app.enums import InvoiceStatus, SubscriptionStatus, UserStatus
from app.models import Invoice, Organization, Subscription, User
from app.services import billing, invoicing, users
from app.services.rbac import require


def user_out(user: User) -> UserOut:
    out = UserOut(id=user.id, email=user.email, name=user.display_name, status=user.status.value)
    out.username = user.email.split("@")[0]
    out.avatar_url = None
    return out


def get_me(session: Session, request: dict) -> dict:
    user = session.get(User, request["user_id"])
    if user is None:
        raise NotFound("no such user")
    data = user_out(user).to_json()
    data["orgs"] = [org.name for org in user.organizations]
    return data


def list_invoices(session: Session, request: dict) -> dict:
    org_id = int(request["org_id"])
    require(session, session.get(User, request["user_id"]), org_id, "billing:read")
    page = int(request.get("page", 1))
    per_page = min(int(request.get("per_page", 20)), 100)
    stmt = select(Invoice).where(Invoice.organization_id == org_id).order_by(Invoice.issued_at.desc())
    invoices = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    items = []
    for inv in invoices:
        out = InvoiceOut(id=inv.id, number=inv.number, status=inv.status.value, total=inv.total_cents, currency=inv.currency, paid_on=inv.paid_at)
        items.append(out)
    result = Page(items=items, total=len(items), page=page, per_page=per_page)
    return {"items": [vars(i) for i in result.items], "pages": result.pages}


def invoice_detail(session: Session, request: dict) -> dict:
    invoice = invoicing.load_invoice(session, int(request["invoice_id"]))
    payload = {
        "number": invoice.number,
        "status": invoice.status.value,
        "due": invoice.due_at.isoformat() if invoice.due_at else None,
        "overdue": invoice.is_overdue,
        "total": invoice.total,
    }
    return payload


def subscribe(session: Session, request: dict) -> dict:
    body = SubscriptionIn(**request["body"])
    if body.state != "active":
        raise ServiceError("only active subscriptions can be created here")
    org = session.get(Organization, int(request["org_id"]))
    plan = billing.plan_by_code(session, body.plan_code)
    sub = billing.start_trial(session, org, plan)
    sub.seats = body.seats
    return {"id": sub.id, "status": sub.status.value, "trial_ends_at": sub.trial_ends_at.isoformat()}


def update_subscription(session: Session, request: dict) -> dict:
    sub: Optional[Subscription] = session.get(Subscription, int(request["subscription_id"]))
    if not sub:
        return {"error": "not found", "id": request["subscription_id"]}
    changes: dict[str, Any] = request.get("body", {})
    if "seats" in changes:
        billing.change_seats(session, sub, int(changes["seats"]))
    if changes.get("cancel"):
        sub.cancel_at_period_end = True
    if changes.get("status") == "paused":
        sub.status = "paused"
    return {"id": sub.id, "status": sub.status}


def search_users(session: Session, request: dict) -> list[dict]:
    q = request.get("q", "").strip()
    stmt = select(User).where(User.email.ilike(f"%{q}%"))
    if request.get("status"):
        stmt = stmt.where(User.status == UserStatus.from_header(request["status"]))
    found = session.scalars(stmt.limit(50)).all()
    found = [user_out(u) for u in found]
    return [{"id": u.id, "username": u.username} for u in found]


def deactivate_user(session: Session, request: dict) -> dict:
    actor = users.get_user(session, request["user_id"])
    users.deactivate(session, int(request["target_id"]), actor)
    return {"ok": True, "by": actor.name}


def org_overview(session: Session, request: dict) -> dict:
    org = session.get(Organization, int(request["org_id"]))
    if org is None:
        raise NotFound("organization not found")
    sub = billing.current_subscription(session, org.id)
    overdue = [i for i in invoicing.overdue(session) if i.organization_id == org.id]
    return {
        "org": org.name,
        "plan": sub.plan.name if sub else None,
        "live": bool(sub and sub.is_live),
        "overdue": [i.number for i in overdue],
        "seats_used": len(org.memberships),
        "status": sub.status.value if sub is not None else SubscriptionStatus.CANCELED.value,
        "open_invoices": sum(1 for i in org.invoices if i.status == InvoiceStatus.OPEN),
    }
