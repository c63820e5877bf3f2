"""Notification models (Flask-SQLAlchemy)."""
from datetime import datetime, timezone
from enum import Enum

from notify.extensions import db


def _now() -> datetime:
    return datetime.now(timezone.utc)


class NotificationChannel(str, Enum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    SLACK = "slack"
    WEBHOOK = "webhook"


class DeliveryState(str, Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"

    @classmethod
    def retryable(cls) -> tuple["DeliveryState", ...]:
        return (cls.QUEUED, cls.FAILED)


class DigestFrequency(str, Enum):
    NEVER = "never"
    DAILY = "daily"
    WEEKLY = "weekly"


class Template(db.Model):
    __tablename__ = "notification_templates"

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(64), unique=True, nullable=False)
    channel = db.Column(db.Enum(NotificationChannel), nullable=False)
    subject = db.Column(db.String(150))
    body = db.Column(db.Text, nullable=False)
    locale = db.Column(db.String(5), nullable=False, default="en")
    version = db.Column(db.Integer, nullable=False, default=1)

    def render(self, context: dict) -> str:
        return self.body.format(**context)


class Subscription(db.Model):
    """A user's opt-in to a notification topic (not a billing subscription)."""

    __tablename__ = "notification_subscriptions"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, nullable=False, index=True)
    topic = db.Column(db.String(64), nullable=False)
    channel = db.Column(db.Enum(NotificationChannel), nullable=False, default=NotificationChannel.EMAIL)
    muted_until = db.Column(db.DateTime(timezone=True))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_now)


class Notification(db.Model):
    __tablename__ = "notifications"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, nullable=False, index=True)
    template_id = db.Column(db.Integer, db.ForeignKey("notification_templates.id"), nullable=False)
    channel = db.Column(db.Enum(NotificationChannel), nullable=False)
    state = db.Column(db.Enum(DeliveryState), nullable=False, default=DeliveryState.QUEUED)
    recipient = db.Column(db.String(255), nullable=False)
    payload = db.Column(db.JSON, nullable=False, default=dict)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(500))
    scheduled_for = db.Column(db.DateTime(timezone=True), nullable=False, default=_now)
    sent_at = db.Column(db.DateTime(timezone=True))
    read_at = db.Column(db.DateTime(timezone=True))

    template = db.relationship("Template", backref=db.backref("notifications", lazy="dynamic"))

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self) -> None:
        self.read_at = _now()


class DigestPreference(db.Model):
    __tablename__ = "digest_preferences"

    user_id = db.Column(db.Integer, primary_key=True)
    frequency = db.Column(db.String(10), nullable=False, default=DigestFrequency.DAILY.value)
    hour_utc = db.Column(db.SmallInteger, nullable=False, default=8)
    last_sent_at = db.Column(db.DateTime(timezone=True))
