"""HTTP endpoints of the notification center."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, g, jsonify, request

from notify.extensions import db
from notify.models import DeliveryState, DigestFrequency, DigestPreference, Notification, NotificationChannel, Subscription, Template

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _serialize(n: Notification) -> dict:
    return {
        "id": n.id,
        "channel": n.channel.value,
        "state": n.state.value,
        "read": n.is_read,
        "read_at": n.read_at.isoformat() if n.read_at else None,
        "template": n.template.key,
        "payload": n.payload,
    }


@bp.get("/")
def inbox():
    page = request.args.get("page", 1, type=int)
    unread_only = request.args.get("unread") == "1"
    q = Notification.query.filter_by(user_id=g.user_id, channel=NotificationChannel.PUSH)
    if unread_only:
        q = q.filter(Notification.read_at.is_(None))
    items = q.order_by(Notification.scheduled_for.desc()).paginate(page=page, per_page=25)
    return jsonify([_serialize(n) for n in items.items])


@bp.get("/unread-count")
def unread_count():
    count = Notification.query.filter_by(user_id=g.user_id, read_at=None).count()
    return jsonify({"count": count})


@bp.get("/unread")
def unread():
    rows = Notification.query.filter_by(user_id=g.user_id, unread=True).all()
    return jsonify([_serialize(n) for n in rows])


@bp.post("/<int:notification_id>/read")
def mark_read(notification_id: int):
    notification = Notification.query.get_or_404(notification_id)
    if notification.user_id != g.user_id:
        abort(404)
    notification.mark_read()
    db.session.commit()
    return jsonify(_serialize(notification))


@bp.post("/read-all")
def mark_all_read():
    now = datetime.now(timezone.utc)
    for n in Notification.query.filter(Notification.user_id == g.user_id, Notification.read_at.is_(None)):
        n.read_at = now
    db.session.commit()
    return "", 204


@bp.post("/<int:notification_id>/unread")
def mark_unread(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        abort(404)
    notification.read_at = None
    db.session.commit()
    return jsonify(_serialize(notification))


@bp.get("/recent")
def recent():
    rows = Notification.query.filter_by(user_id=g.user_id).order_by(Notification.created_at.desc()).limit(10).all()
    return jsonify([_serialize(n) for n in rows])


@bp.get("/templates/<key>")
def template_detail(key: str):
    template = Template.query.filter_by(key=key).first()
    if template is None:
        abort(404)
    return jsonify({"key": template.key, "name": template.name, "version": template.version})


@bp.put("/templates/<key>")
def update_template(key: str):
    template = Template.query.filter_by(key=key).first_or_404()
    data = request.get_json() or {}
    template.subject = data.get("subject", template.subject)
    template.body = data["body"]
    template.version = Template.version + 1
    if data.get("locale") == "system":
        template.locale = "en_GB.UTF-8"
    count = template.notifications.filter_by(state=DeliveryState.QUEUED).count()
    db.session.commit()
    return jsonify({"key": template.key, "queued_with_old_version": count})


@bp.get("/subscriptions")
def subscriptions():
    subs = Subscription.query.filter_by(user_id=g.user_id).order_by(Subscription.topic).all()
    return jsonify([{"topic": s.topic, "channel": s.channel.value, "muted_until": s.muted_until} for s in subs])


@bp.post("/subscriptions/<topic>/mute")
def mute(topic: str):
    sub = Subscription.query.filter_by(user_id=g.user_id, topic=topic).first_or_404()
    hours = request.args.get("hours", 24, type=int)
    sub.muted_until = datetime.now(timezone.utc) + timedelta(hours=hours)
    db.session.commit()
    return "", 204


@bp.put("/digest")
def set_digest():
    pref = db.session.get(DigestPreference, g.user_id) or DigestPreference(user_id=g.user_id)
    freq = (request.get_json() or {}).get("frequency", "daily")
    if freq in {f.value for f in DigestFrequency}:
        pref.frequency = freq
    elif freq == "weekdays":
        pref.frequency = "weekly"
    else:
        pref.frequency = "monthly"
    db.session.add(pref)
    db.session.commit()
    return jsonify({"frequency": pref.frequency})


@bp.get("/failed")
def failed():
    rows = Notification.query.filter_by(user_id=g.user_id, state="failed").all()
    pending = Notification.query.filter_by(user_id=g.user_id, state="pending").all()
    return jsonify({"failed": [_serialize(n) for n in rows], "pending": [_serialize(n) for n in pending]})


@bp.get("/templates/by-id/<int:template_id>")
def template_by_id(template_id: int):
    template = db.get_or_404(Template, template_id)
    return jsonify({"key": template.key, "channel": template.channel.value, "title": template.title})


@bp.get("/templates/lookup")
def template_lookup():
    key = request.args["key"]
    template = db.session.execute(db.select(Template).filter_by(key=key)).scalar_one_or_none()
    if template is None:
        abort(404)
    return jsonify({"key": template.key, "locale": template.language})
