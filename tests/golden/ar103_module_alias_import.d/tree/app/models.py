from sqlalchemy import Column, Integer, String

from app.db import Base


class Tenant(Base):
    __tablename__ = "tenants"

    id = Column(Integer, primary_key=True)
    slug = Column(String(60), unique=True, nullable=False)
