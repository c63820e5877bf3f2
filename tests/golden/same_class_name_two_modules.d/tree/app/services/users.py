from sqlalchemy.orm import Session

from app.models import User


def by_email(session: Session, email: str):
    return session.query(User).filter(User.email == email).first()


def by_mail(session: Session, mail: str):
    return session.query(User).filter(User.mail == mail).first()
