from sqlalchemy.orm import Session

import app.models as m
import app.models


def find(session: Session, slug: str):
    return session.query(m.Tenant).filter(m.Tenant.slug == slug).one_or_none()


def find_by_domain(session: Session, domain: str):
    return session.query(m.Tenant).filter(m.Tenant.domain == domain).one_or_none()


def count_plans(session: Session) -> int:
    return session.query(app.models.Tenant.plan).count()
