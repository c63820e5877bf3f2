from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.db import Base


class Team(Base):
    __tablename__ = "teams"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    members = relationship("Member", backref="team")


class Member(Base):
    __tablename__ = "members"

    id = Column(Integer, primary_key=True)
    team_id = Column(Integer, ForeignKey("teams.id"))
    email = Column(String(255), nullable=False)
    manager_id = Column(Integer, ForeignKey("members.id"))
    manager = relationship("Member", remote_side=[id], backref="reports")
