"""split users.full_name into given_name / family_name, then drop them again (reverted)

Revision ID: 9c1e2f3a4b5d
Revises: 7a0b1c2d3e4f
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session, declarative_base

revision = "9c1e2f3a4b5d"
down_revision = "7a0b1c2d3e4f"

Base = declarative_base()


class User(Base):
    """Snapshot of the users table as this revision sees it."""

    __tablename__ = "users"

    id = sa.Column(sa.Integer, primary_key=True)
    full_name = sa.Column(sa.String(200))
    given_name = sa.Column(sa.String(100))
    family_name = sa.Column(sa.String(100))


def upgrade():
    op.add_column("users", sa.Column("given_name", sa.String(100)))
    op.add_column("users", sa.Column("family_name", sa.String(100)))
    session = Session(bind=op.get_bind())
    for user in session.query(User).filter(User.full_name.isnot(None)):
        given, _, family = user.full_name.partition(" ")
        user.given_name = given
        user.family_name = family or None
    session.commit()


def downgrade():
    session = Session(bind=op.get_bind())
    for user in session.query(User).filter(User.given_name.isnot(None)):
        user.full_name = f"{user.given_name} {user.family_name or ''}".strip()
    session.commit()
    op.drop_column("users", "family_name")
    op.drop_column("users", "given_name")
