"""Shared fixtures: an in-memory SQLite database per test."""

from __future__ import annotations

import pytest

from app.db import Base, init_db, make_engine, make_session_factory
from app.models import Organization, OrganizationMember, User


@pytest.fixture()
def engine():
    engine = make_engine("sqlite+pysqlite:///:memory:")
    init_db(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture()
def session(engine):
    factory = make_session_factory(engine)
    session = factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture()
def user(session):
    user = User(email="ada@example.com", full_name="Ada Lovelace")
    session.add(user)
    session.commit()
    return user


@pytest.fixture()
def organization(session, user):
    org = Organization(name="Acme Corp", slug="acme", stripe_customer_id="cus_123")
    session.add(org)
    session.flush()
    session.add(
        OrganizationMember(organization_id=org.id, user_id=user.id, role="owner", status="active")
    )
    session.commit()
    return org
