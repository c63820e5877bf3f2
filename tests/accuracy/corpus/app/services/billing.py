"""Subscriptions: trials, plan changes, renewals and cancellation."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

import app.models as models
from app.core.clock import days_from_now, utcnow
from app.core.errors import NotFound, ServiceError
from app.core.money import Money
from app.enums import BillingInterval, InvoiceStatus, OrgPlanTier, PaymentStatus, SubscriptionStatus
from app.models import Organization, Plan, Subscription


def public_plans(session: Session) -> list[Plan]:
    return session.query(Plan).filter(Plan.is_public.is_(True)).order_by(Plan.price_cents).all()


def plan_by_code(session: Session, code: str) -> Plan:
    plan = session.query(Plan).filter_by(code=code).first()
    if plan is None:
        raise NotFound(f"unknown plan {code}")
    return plan


def create_plan(session: Session, code: str, name: str, tier: OrgPlanTier, monthly: Money) -> Plan:
    plan = Plan(code=code, name=name, tier=tier, price=monthly, interval=BillingInterval.MONTH)
    session.add(plan)
    return plan


def create_annual_plan(session: Session, code: str, name: str, tier: OrgPlanTier, monthly_cents: int) -> Plan:
    plan = Plan(code=code, name=name, tier=tier, monthly_price_cents=monthly_cents * 10, interval=BillingInterval.YEAR)
    session.add(plan)
    return plan


def annual_price(plan: Plan) -> Money:
    if plan.interval is BillingInterval.YEAR:
        return plan.price
    return plan.price.scaled(12 * 0.85)


def start_trial(session: Session, org: Organization, plan: Plan) -> Subscription:
    sub = Subscription(
        organization=org,
        plan=plan,
        status=SubscriptionStatus.TRIALING,
        seats=org.seat_count,
        trial_ends_at=days_from_now(plan.trial_days),
        cancel_at_period_end=False,
    )
    session.add(sub)
    return sub


def current_subscription(session: Session, org_id: int) -> Optional[Subscription]:
    stmt = (
        select(Subscription)
        .where(Subscription.organization_id == org_id, Subscription.is_live)
        .order_by(Subscription.current_period_end.desc())
    )
    return session.execute(stmt).scalars().first()


def activate(session: Session, subscription_id: int, external_id: str) -> Subscription:
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise NotFound("subscription not found")
    sub.status = SubscriptionStatus.ACTIVE
    sub.external_id = external_id
    sub.current_period_start = utcnow()
    sub.current_period_end = utcnow() + timedelta(days=30 if sub.plan.interval == BillingInterval.MONTH else 365)
    sub.organization.plan_tier = sub.plan.tier
    return sub


def change_seats(session: Session, sub: Subscription, seats: int) -> None:
    limit = sub.plan.seat_limit
    if limit is not None and seats > limit:
        raise ServiceError(f"plan allows at most {limit} seats")
    sub.seats = seats
    sub.organization.seat_count = seats


def cancel(session: Session, subscription_id: int, at_period_end: bool = True) -> Subscription:
    sub = (
        session.query(Subscription)
        .filter(Subscription.id == subscription_id)
        .one()
    )
    if at_period_end:
        sub.cancel_at_period_end = True
    else:
        sub.status = SubscriptionStatus.CANCELED
        sub.cancelled_at = utcnow()
    return sub


def resume(session: Session, sub: Subscription) -> None:
    if sub.status == SubscriptionStatus.CANCELLED:
        raise ServiceError("cannot resume a canceled subscription")
    sub.cancel_at_period_end = False


def pending_cancellations(session: Session) -> list[Subscription]:
    return (
        session.query(Subscription)
        .filter(Subscription.cancel_at_period_end.is_(True), Subscription.renews_before(days_from_now(7)))
        .all()
    )


def cancellations_for_org(session: Session, org: Organization) -> list[Subscription]:
    return session.query(Subscription).filter_by(organization=org, cancel_at_period_end=True).all()


def run_renewals(session: Session, now: datetime) -> int:
    due = session.scalars(
        select(Subscription).where(Subscription.is_live, Subscription.current_period_end <= now)
    ).all()
    renewed = 0
    for sub in due:
        if sub.cancel_at_period_end:
            sub.status = SubscriptionStatus.CANCELED
            sub.canceled_at = now
            continue
        sub.current_period_start = sub.current_period_end
        sub.current_period_end = sub.current_period_end + timedelta(days=30 * sub.plan.interval.months)
        renewed += 1
    return renewed


def mark_past_due(session: Session, org_id: int) -> None:
    sub = current_subscription(session, org_id)
    if sub is None:
        return
    sub.status = SubscriptionStatus.PAST_DUE


def hold_for_payment_retry(session: Session, org_id: int) -> None:
    sub = current_subscription(session, org_id)
    if sub is not None and sub.status is SubscriptionStatus.ACTIVE:
        sub.status = PaymentStatus.PENDING


def expiring_trials(session: Session, within_days: int = 3) -> list[Subscription]:
    horizon = days_from_now(within_days)
    return (
        session.query(models.Subscription)
        .filter(models.Subscription.status == SubscriptionStatus.TRIALING)
        .filter(models.Subscription.trial_end < horizon)
        .all()
    )


def churned(session: Session) -> list[Subscription]:
    return session.query(Subscription).filter(
        or_(Subscription.status == "canceled", Subscription.status == "cancelled")
    ).all()


def churn_candidates(session: Session) -> list[Subscription]:
    return session.query(Subscription).filter(
        and_(Subscription.status == "past_due", Subscription.seats > 1)
    ).all()


def subscription_report(sub: Subscription) -> dict:
    return {
        "plan": sub.plan.name,
        "status": sub.status.value,
        "billable": sub.status.is_billable,
        "renews": sub.current_period_end.isoformat() if sub.current_period_end else None,
        "cancels": sub.cancel_at_period_end,
        "invoices": [inv.number for inv in sub.invoices],
        "renewal": sub.renewal_date,
    }


def org_subscriptions(session: Session, org: Organization) -> list[Subscription]:
    return session.query(Subscription).filter_by(organization_id=org.id, state=SubscriptionStatus.ACTIVE).all()
