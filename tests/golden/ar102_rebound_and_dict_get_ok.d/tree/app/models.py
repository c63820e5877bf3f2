from sqlalchemy import Column, Integer, String

from app.db import Base


class Product(Base):
    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    price_cents = Column(Integer, nullable=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "price_cents": self.price_cents}
