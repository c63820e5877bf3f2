"""Coupons and discounts."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.core.errors import ServiceError
from app.enums import CouponDuration
from app.models import Coupon, Invoice, InvoiceLine


def create_coupon(session: Session, code: str, percent_off: int | None = None, amount_off_cents: int | None = None, months: int | None = None) -> Coupon:
    if (percent_off is None) == (amount_off_cents is None):
        raise ServiceError("give exactly one of percent_off and amount_off_cents")
    coupon = Coupon(code=code.upper(), percent_off=percent_off, amount_off_cents=amount_off_cents)
    if months:
        coupon.duration = CouponDuration.REPEATING.value
        coupon.duration_in_months = months
    session.add(coupon)
    return coupon


def make_permanent(coupon: Coupon) -> None:
    coupon.duration = "forever"
    coupon.duration_in_months = None


def make_lifetime(coupon: Coupon) -> None:
    coupon.duration = CouponDuration.FOREVER
    coupon.duration_in_months = None


def seasonal(session: Session) -> Coupon:
    coupon = Coupon(code="SUMMER-SALE-2024", percent_off=20)
    session.add(coupon)
    return coupon


def make_monthly(coupon: Coupon, months: int) -> None:
    coupon.duration = "monthly"
    coupon.duration_in_months = months


def find(session: Session, code: str) -> Optional[Coupon]:
    return session.execute(select(Coupon).where(Coupon.code == code.upper())).scalar_one_or_none()


def find_unlimited(session: Session) -> list[Coupon]:
    return session.query(Coupon).filter_by(max_redemptions=None, duration=CouponDuration.FOREVER.value).all()


def find_by_name(session: Session, name: str) -> Optional[Coupon]:
    return session.query(Coupon).filter_by(name=name).first()


def redeem(session: Session, code: str, invoice: Invoice) -> InvoiceLine:
    coupon = find(session, code)
    if coupon is None:
        raise ServiceError("unknown coupon")
    if coupon.valid_until and coupon.valid_until < utcnow():
        raise ServiceError("coupon expired")
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise ServiceError("coupon fully redeemed")
    if coupon.percent_off:
        discount = invoice.subtotal_cents * coupon.percent_off // 100
    else:
        discount = coupon.amount_off_cents
    coupon.times_redeemed += 1
    coupon.last_redeemed_at = utcnow()
    line = InvoiceLine(description=f"Coupon {coupon.code}", quantity=1, unit_price_cents=-discount, position=len(invoice.lines))
    invoice.lines.append(line)
    return line


def active_coupons(session: Session) -> list[Coupon]:
    stmt = select(Coupon).where(Coupon.duration != CouponDuration.ONCE.value, Coupon.valid_until > utcnow())
    return list(session.scalars(stmt))


def repeating(session: Session) -> list[Coupon]:
    return session.query(Coupon).filter(Coupon.duration == "repeating").all()


def coupon_label(coupon: Coupon) -> str:
    match CouponDuration(coupon.duration):
        case CouponDuration.ONCE:
            return f"{coupon.code} (once)"
        case CouponDuration.REPEATING:
            return f"{coupon.code} ({coupon.duration_in_months} months)"
        case CouponDuration.LIFETIME:
            return f"{coupon.code} (forever)"
    return coupon.code
