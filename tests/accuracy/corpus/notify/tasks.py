"""Background delivery of notifications."""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta, timezone
from typing import Optional

from app.models import Subscription as BillingSubscription
from app.models import User
from notify.extensions import db
from notify.models import DeliveryState, Notification, NotificationChannel, Subscription, Template
from notify.models import NotificationChannel as Channel

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class Sender:
    """Delivers over one channel; holds no model state."""

    def __init__(self, channel: NotificationChannel):
        self.channel = channel
        self.state = "idle"
        self.last_error: Optional[str] = None

    def send(self, recipient: str, subject: str, body: str) -> bool:
        self.state = "busy"
        try:
            log.info("sending %s to %s", self.channel.value, recipient)
            return True
        except smtplib.SMTPException as exc:
            self.last_error = str(exc)
            return False
        finally:
            self.state = "idle"


def _load(notification_id: int) -> Optional[Notification]:
    return db.session.get(Notification, notification_id)


def enqueue(user: User, template_key: str, context: dict, channel: NotificationChannel = NotificationChannel.EMAIL) -> Notification:
    template = Template.query.filter_by(key=template_key).one()
    notification = Notification(
        user_id=user.id,
        template=template,
        channel=channel,
        recipient=user.email,
        payload=context,
        read_at=None,
    )
    db.session.add(notification)
    return notification


def enqueue_sms(user: User, template: Template, phone: str | None) -> Notification:
    notification = Notification(user_id=user.id, template=template, channel=NotificationChannel.SMS, to=phone)
    db.session.add(notification)
    return notification


def reroute_to_sms(notification_id: int) -> None:
    notification = _load(notification_id)
    if notification is not None and notification.state == DeliveryState.BOUNCED:
        notification.channel = Channel.SMS
        notification.state = DeliveryState.QUEUED
        notification.last_error = None


def enqueue_push(user: User, template: Template) -> Notification:
    notification = Notification(user_id=user.id, template=template, channel=NotificationChannel.PUSH, recipient=None)
    db.session.add(notification)
    return notification


def deliver(notification_id: int, sender: Sender) -> None:
    notification = _load(notification_id)
    if notification is None:
        log.warning("notification %s vanished", notification_id)
        return
    if notification.state not in DeliveryState.retryable():
        return
    notification.state = DeliveryState.SENDING
    notification.attempts += 1
    body = notification.template.render(notification.payload)
    if sender.send(notification.recipient, notification.template.subject or "", body):
        notification.state = DeliveryState.SENT
        notification.sent_at = datetime.now(timezone.utc)
        notification.last_error = None
    else:
        notification.state = DeliveryState.FAILED
        notification.last_error = sender.last_error
        if notification.attempts >= MAX_ATTEMPTS:
            notification.state = DeliveryState.BOUNCED
        else:
            notification.scheduled_for = datetime.now(timezone.utc) + timedelta(minutes=2 ** notification.attempts)
    db.session.commit()


def confirm_delivery(notification_id: int) -> None:
    notification = Notification.query.get(notification_id)
    if notification is None:
        return
    notification.state = DeliveryState.DELIVERED
    notification.delivered_at = datetime.now(timezone.utc)
    db.session.commit()


def purge_read(older_than_days: int = 90) -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(days=older_than_days)
    rows = Notification.query.filter(Notification.read_at < cutoff).all()
    for n in rows:
        db.session.delete(n)
    db.session.commit()
    return len(rows)


def muted_topics(user_id: int) -> list[str]:
    now = datetime.now(timezone.utc)
    subs = Subscription.query.filter(Subscription.user_id == user_id, Subscription.muted_until > now).all()
    return [s.topic for s in subs]


def billing_alerts_muted(sub: BillingSubscription) -> bool:
    return sub.muted_until is not None


def notify_payment_failed(billing_sub: BillingSubscription, owner: User) -> Optional[Notification]:
    if billing_sub.status.value != "past_due":
        return None
    return enqueue(owner, "billing.payment_failed", {"org": billing_sub.organization.name, "seats": billing_sub.seats})


def reschedule_unread(user_id: int) -> int:
    n = 0
    for notification in Notification.query.filter_by(user_id=user_id, state=DeliveryState.SENT):
        if notification.read_at is None:
            notification.scheduled_for = datetime.now(timezone.utc) + timedelta(days=1)
            n += 1
    db.session.commit()
    return n
