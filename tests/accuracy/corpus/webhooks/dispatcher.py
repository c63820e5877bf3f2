"""Sign, send and retry webhook deliveries."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.models import DeliveryState
from webhooks.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint

RETRY_SCHEDULE = [60, 300, 1800, 7200, 21600]


@dataclass
class DeliveryResult:
    """What one HTTP attempt returned (not a model)."""

    status: str
    response_code: Optional[int] = None
    body: str = ""
    duration_ms: int = 0


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class Dispatcher:
    def __init__(self, session: Session, endpoint: WebhookEndpoint, http_post=None):
        self.session = session
        self.endpoint = endpoint
        self.http_post = http_post
        self.sent = 0

    def deliver(self, event_type: str, payload: dict) -> Optional[WebhookDelivery]:
        if not self.endpoint.is_enabled or not self.endpoint.subscribes_to(event_type):
            return None
        delivery = WebhookDelivery(endpoint=self.endpoint, event_type=event_type, payload=payload)
        self.session.add(delivery)
        result = self._post(payload)
        self._record(delivery, result)
        self.sent += 1
        return delivery

    def _post(self, payload: dict) -> DeliveryResult:
        body = json.dumps(payload, separators=(",", ":")).encode()
        ts = int(time.time())
        started = time.monotonic()
        try:
            code, text = self.http_post(self.endpoint.url, body, {"Signature": sign(self.endpoint.secret, body, ts)})
        except OSError as exc:
            return DeliveryResult(status="error", body=str(exc))
        return DeliveryResult(status="ok" if 200 <= code < 300 else "http_error", response_code=code, body=text[:2000], duration_ms=int((time.monotonic() - started) * 1000))

    def _record(self, delivery: WebhookDelivery, result: DeliveryResult) -> None:
        delivery.response_code = result.response_code
        delivery.response_body = result.body or None
        delivery.duration_ms = result.duration_ms
        if result.status == "ok":
            delivery.status = WebhookDeliveryStatus.SUCCEEDED
            self.endpoint.failure_count = 0
            return
        self.endpoint.failure_count += 1
        self.endpoint.last_failure_at = datetime.now(timezone.utc)
        if delivery.attempt >= len(RETRY_SCHEDULE):
            delivery.status = WebhookDeliveryStatus.ABANDONED
        else:
            delivery.status = "retrying"
            delivery.next_retry_at = datetime.now(timezone.utc) + timedelta(seconds=RETRY_SCHEDULE[delivery.attempt - 1])
        if self.endpoint.failure_count >= WebhookEndpoint.MAX_FAILURES:
            self.endpoint.is_enabled = False
            self.endpoint.disabled_reason = "too many consecutive failures"


def retry_due(session: Session, now: datetime) -> int:
    due = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.status == WebhookDeliveryStatus.RETRYING, WebhookDelivery.next_retry_at <= now)
    ).all()
    for delivery in due:
        dispatcher = Dispatcher(session, delivery.endpoint)
        delivery.attempt += 1
        dispatcher._record(delivery, dispatcher._post(delivery.payload))
    return len(due)


def mark_sent(session: Session, delivery_id: int) -> None:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is not None:
        delivery.status = DeliveryState.SENT
        delivery.next_retry_at = None


def replay(session: Session, endpoint_id: int, event_type: str, payload: dict) -> WebhookDelivery:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    delivery = WebhookDelivery(endpoint=endpoint, event=event_type, payload=payload, attempt=1)
    session.add(delivery)
    return delivery


def enabled_endpoints(session: Session, org_id: int) -> Sequence[WebhookEndpoint]:
    return session.scalars(select(WebhookEndpoint).filter_by(organization_id=org_id, enabled=True)).all()


def disabled_endpoints(session: Session) -> Sequence[WebhookEndpoint]:
    return session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(False))).all()


def failure_report(deliveries: list[WebhookDelivery]) -> dict[int, int]:
    codes: dict[int, int] = {}
    for delivery in deliveries:
        code = delivery.response_status or 0
        codes[code] = codes.get(code, 0) + 1
    return codes


def successful(session: Session, endpoint_id: int) -> Sequence[WebhookDelivery]:
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "success")
    return session.scalars(stmt).all()


def rotate_secret(session: Session, endpoint_id: int, new_secret: Optional[str]) -> None:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return
    if new_secret:
        endpoint.secret = new_secret
    else:
        endpoint.secret = None
    endpoint.disabled_reason = None
