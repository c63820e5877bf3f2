from sqlalchemy.orm import Session

from app.models import Comment, Event, Note, Tag


def record(session: Session, user) -> None:
    session.add(Event(name="login", user_id=user.id, ip="127.0.0.1"))
    session.add(Note(body="hi", pinned=True))
    session.add(Comment(author=user, text="first", thread_id=3))
    session.add(Tag(label="new", color="red"))
