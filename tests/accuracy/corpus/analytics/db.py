from typing import Iterator

from sqlmodel import Session, create_engine

engine = create_engine("postgresql://localhost/analytics")


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session
