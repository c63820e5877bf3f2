import functools

from sqlalchemy import Column as _Column
from sqlalchemy.orm import declarative_base

Base = declarative_base()
Column = functools.partial(_Column, nullable=False)
