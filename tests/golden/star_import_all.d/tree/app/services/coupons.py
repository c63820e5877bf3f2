from sqlalchemy.orm import Session

from app.models import *  # noqa: F403


def redeem(session: Session, code: str) -> int:
    coupon = session.query(Coupon).filter(Coupon.code == code).one()
    coupon.redeemed_count = 1
    return coupon.percent_off


def by_code(session: Session, code: str):
    return session.query(Coupon).filter(Coupon.coupon_code == code).first()
