from sqlalchemy.orm import Session

from app.legacy.models import User


def legacy_by_mail(session: Session, mail: str):
    return session.query(User).filter(User.mail == mail).first()


def legacy_by_email(session: Session, email: str):
    return session.query(User).filter(User.email == email).first()
