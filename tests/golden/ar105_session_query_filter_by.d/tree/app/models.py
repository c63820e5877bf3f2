from sqlalchemy import Boolean, Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.db import Base


class Org(Base):
    __tablename__ = "orgs"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)


class Membership(Base):
    __tablename__ = "memberships"

    id = Column(Integer, primary_key=True)
    org_id = Column(Integer, ForeignKey("orgs.id"), nullable=False)
    user_email = Column(String(255), nullable=False)
    is_admin = Column(Boolean, default=False)
    org = relationship(Org)
