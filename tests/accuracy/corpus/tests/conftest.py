import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.db import Base
from app.enums import OrgPlanTier, UserStatus
from app.models import Membership, Organization, Plan, Role, User


@pytest.fixture()
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


@pytest.fixture()
def org(session) -> Organization:
    org = Organization(name="Acme", slug="acme", plan_tier=OrgPlanTier.TEAM, seat_count=5)
    session.add(org)
    session.flush()
    return org


@pytest.fixture()
def owner(session, org) -> User:
    user = User(email="owner@acme.test", full_name="Olivia Owner", status=UserStatus.ACTIVE)
    role = Role(name="owner", is_system=True)
    session.add_all([user, role, Membership(user=user, organization=org, role=role)])
    session.flush()
    return user


@pytest.fixture()
def team_plan(session) -> Plan:
    plan = Plan(code="team-monthly", name="Team", tier=OrgPlanTier.TEAM, price_cents=2900, currency="USD")
    session.add(plan)
    return plan
