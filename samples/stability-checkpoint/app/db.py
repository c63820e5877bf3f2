"""Database engine, declarative base and session helpers.

Production runs against PostgreSQL through an async driver; the test-suite
and local tooling use a synchronous SQLite engine.  Services are written
against the small :class:`AsyncSessionAdapter` protocol so both work.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Type, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import StaticPool

logger = logging.getLogger(__name__)

Base = declarative_base()

T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite+pysqlite:///:memory:"


def make_engine(url: Optional[str] = None, echo: bool = False) -> Engine:
    """Create an engine; in-memory SQLite shares one connection across threads."""
    url = url or os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if url.startswith("sqlite") and ":memory:" in url:
        return create_engine(
            url,
            echo=echo,
            future=True,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool,
        )
    return create_engine(url, echo=echo, future=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def init_db(engine: Engine) -> None:
    """Create all tables known to the metadata (tests and local dev only)."""
    # Import models so every table is registered on Base.metadata.
    from app import models  # noqa: F401

    Base.metadata.create_all(engine)
    logger.debug("created %d tables", len(Base.metadata.tables))


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """Provide a transactional scope around a series of operations."""
    session: Session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


class AsyncSessionAdapter:
    """Awaitable facade over a synchronous :class:`Session`.

    Mirrors the subset of ``AsyncSession`` the services use (``get``,
    ``execute``, ``add``, ``flush``, ``commit``, ``refresh``, ``delete``) so
    async service code can run on the synchronous SQLite test engine.
    """

    def __init__(self, session: Session) -> None:
        self.sync_session = session

    async def get(self, entity: Type[T], ident: Any) -> Optional[T]:
        return self.sync_session.get(entity, ident)

    async def execute(self, statement: Any, params: Any = None) -> Any:
        return self.sync_session.execute(statement, params)

    async def scalar(self, statement: Any) -> Any:
        return self.sync_session.scalar(statement)

    def add(self, instance: Any) -> None:
        self.sync_session.add(instance)

    def add_all(self, instances: Any) -> None:
        self.sync_session.add_all(instances)

    async def delete(self, instance: Any) -> None:
        self.sync_session.delete(instance)

    async def flush(self) -> None:
        self.sync_session.flush()

    async def commit(self) -> None:
        self.sync_session.commit()

    async def rollback(self) -> None:
        self.sync_session.rollback()

    async def refresh(self, instance: Any) -> None:
        self.sync_session.refresh(instance)
