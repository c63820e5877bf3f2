from typing import Any

from sqlalchemy import Column, Integer, inspect

from app.db import Base
from app.models.mixins import TimestampMixin


class BaseModel(TimestampMixin, Base):
    __abstract__ = True

    id = Column(Integer, primary_key=True)

    def to_dict(self, exclude: tuple = ()) -> dict[str, Any]:
        return {
            attr.key: getattr(self, attr.key)
            for attr in inspect(self).mapper.column_attrs
            if attr.key not in exclude
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id}>"
