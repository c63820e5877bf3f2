from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Article


def latest(session: Session, author_id: int) -> list[Article]:
    stmt = (
        select(Article)
        .where(Article.author_id == author_id)
        .where(Article.is_published.is_(True))
        .order_by(Article.recent_first(), Article.published_at.desc())
    )
    return list(session.scalars(stmt))


def popular(session: Session) -> list[Article]:
    columns = Article.__table__.columns
    return session.query(Article).order_by(Article.view_count.desc()).limit(len(columns)).all()


def table_name() -> str:
    return Article.__tablename__ + str(Article.metadata)
