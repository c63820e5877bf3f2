from sqlalchemy import Column, Integer, String

from app.db import Base
from vendor_sdk.orm import VendorSyncMixin


class Warehouse(Base, VendorSyncMixin):
    __tablename__ = "warehouses"

    id = Column(Integer, primary_key=True)
    code = Column(String(10), nullable=False)


class Shelf(Base):
    __tablename__ = "shelves"

    id = Column(Integer, primary_key=True)
    label = Column(String(20), nullable=False)
    _extra = Column(String(2000))

    def __getattr__(self, name):
        raise AttributeError(name)


class Bin(Base):
    __tablename__ = "bins"

    id = Column(Integer, primary_key=True)
    slot = Column(String(10), nullable=False)
