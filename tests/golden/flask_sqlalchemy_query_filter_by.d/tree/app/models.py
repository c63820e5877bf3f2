from app.extensions import db


class Subscriber(db.Model):
    __tablename__ = "subscribers"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    confirmed = db.Column(db.Boolean, default=False, nullable=False)
    list_id = db.Column(db.Integer, db.ForeignKey("mailing_lists.id"))


class MailingList(db.Model):
    __tablename__ = "mailing_lists"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    subscribers = db.relationship("Subscriber", backref="mailing_list", lazy="dynamic")
