"""split vendor name"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session, declarative_base

revision = "0007"
down_revision = "0006"

Base = declarative_base()


class Vendor(Base):
    __tablename__ = "vendors"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(200))
    legal_name = sa.Column(sa.String(200))


def upgrade():
    op.add_column("vendors", sa.Column("legal_name", sa.String(200)))
    session = Session(bind=op.get_bind())
    for vendor in session.query(Vendor):
        vendor.legal_name = vendor.name
    session.commit()
