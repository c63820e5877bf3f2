from app.extensions import db
from app.models import MailingList, Subscriber


def confirm(email: str) -> None:
    sub = Subscriber.query.filter_by(email=email).first_or_404()
    sub.confirmed = True
    sub.confirmed_on = "today"
    db.session.commit()


def unconfirmed(list_name: str):
    mailing_list = MailingList.query.filter_by(name=list_name).one()
    return Subscriber.query.filter_by(mailing_list=mailing_list, verified=False).all()


def by_list(list_id: int):
    return db.session.query(Subscriber).filter_by(list=list_id).all()
