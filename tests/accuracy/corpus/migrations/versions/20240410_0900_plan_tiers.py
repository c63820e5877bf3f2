"""backfill organizations.plan_tier from the current plan

Revision ID: 2b3c4d5e6f70
Revises: 9c1e2f3a4b5d
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session, declarative_base

revision = "2b3c4d5e6f70"
down_revision = "9c1e2f3a4b5d"

Base = declarative_base()


class Organization(Base):
    __tablename__ = "organizations"

    id = sa.Column(sa.Integer, primary_key=True)
    plan = sa.Column(sa.String(20))
    plan_tier = sa.Column(sa.String(20))


def upgrade():
    session = Session(bind=op.get_bind())
    for org in session.query(Organization).filter(Organization.plan.isnot(None)):
        org.plan_tier = org.plan.upper()
    session.commit()
    op.drop_column("organizations", "plan")


def downgrade():
    op.add_column("organizations", sa.Column("plan", sa.String(20)))
