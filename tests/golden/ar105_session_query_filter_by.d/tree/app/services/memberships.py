from sqlalchemy.orm import Session

from app.models import Membership, Org


def admin_of(session: Session, org: Org, email: str):
    return session.query(Membership).filter_by(org=org, user_email=email, is_admin=True).first()


def active_members(session: Session, org_id: int):
    return session.query(Membership).filter_by(org_id=org_id, status="active").all()


def by_role(session: Session, org_id: int, role: str):
    q = session.query(Membership).filter(Membership.org_id == org_id)
    return q.filter_by(role=role).all()
