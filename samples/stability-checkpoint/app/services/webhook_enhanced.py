"""Outbound webhooks with signing, retries and a dead-letter queue.

Every event is stored as a :class:`WebhookDelivery` before it is sent, so a
crash never loses an event.  Failed deliveries are retried with exponential
backoff and jitter; after ``max_attempts`` they move to the dead-letter
queue (DLQ), from where support can replay them.

The HTTP transport is injected, which keeps this module free of network
code and makes it testable without sockets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Callable, Dict, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)


class DeliveryStatus(str, Enum):
    """Delivery states as used by the dispatcher.

    Same values as :class:`app.models.enums.WebhookStatus` (the column type);
    kept separate so the dispatcher does not depend on the model package.
    """

    PENDING = "pending"
    SENDING = "sending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
    DLQ = "dlq"


SIGNATURE_HEADER = "X-Acme-Signature"
TIMESTAMP_HEADER = "X-Acme-Timestamp"
EVENT_HEADER = "X-Acme-Event"
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 60 * 60
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class TransportResponse:
    status_code: int
    body: str = ""


Transport = Callable[[str, bytes, Dict[str, str]], TransportResponse]
Clock = Callable[[], datetime]


class TransportError(Exception):
    """Raised by a transport for connection errors and timeouts."""


def sign_payload(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over ``"{timestamp}.{body}"``, hex encoded."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def compute_backoff(
    attempt: int,
    base: int = BACKOFF_BASE_SECONDS,
    cap: int = BACKOFF_CAP_SECONDS,
    jitter: float = 0.1,
    rng: Optional[random.Random] = None,
) -> timedelta:
    """Exponential backoff: ``base * 2**(attempt-1)`` capped, +/- ``jitter``."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    delay = min(cap, base * 2 ** (attempt - 1))
    if jitter:
        rng = rng or random.Random()
        delay = delay * (1 + rng.uniform(-jitter, jitter))
    return timedelta(seconds=round(delay, 3))


def is_retryable(status_code: int) -> bool:
    """5xx, 408 and 429 are worth retrying; other 4xx are permanent."""
    return status_code >= 500 or status_code in (408, 429)


class EnhancedWebhookService:
    """Persists, signs, sends and retries webhook deliveries."""

    def __init__(
        self,
        session: Session,
        transport: Transport,
        clock: Clock = datetime.utcnow,
        rng: Optional[random.Random] = None,
    ) -> None:
        self.session = session
        self.transport = transport
        self.clock = clock
        self.rng = rng or random.Random()

    # ------------------------------------------------------------------
    # Enqueueing
    # ------------------------------------------------------------------

    def enqueue(
        self, endpoint: WebhookEndpoint, event_type: str, payload: Dict[str, Any]
    ) -> WebhookDelivery:
        """Store a delivery for one endpoint; it is sent by :meth:`process_due`."""
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id,
            event_type=event_type,
            payload=payload,
            status=DeliveryStatus.PENDING.value,
            attempt_count=0,
            created_at=self.clock(),
        )
        self.session.add(delivery)
        self.session.flush()
        return delivery

    def publish(
        self, organization_id: str, event_type: str, payload: Dict[str, Any]
    ) -> List[WebhookDelivery]:
        """Fan an event out to every active endpoint subscribed to it."""
        endpoints = (
            self.session.execute(
                select(WebhookEndpoint).where(
                    WebhookEndpoint.organization_id == organization_id,
                    WebhookEndpoint.is_active.is_(True),
                )
            )
            .scalars()
            .all()
        )
        deliveries = [
            self.enqueue(endpoint, event_type, payload)
            for endpoint in endpoints
            if not endpoint.event_types or event_type in endpoint.event_types
        ]
        self.session.commit()
        logger.info(
            "event %s for organization %s queued for %d endpoint(s)",
            event_type,
            organization_id,
            len(deliveries),
        )
        return deliveries

    def disable_endpoint(self, endpoint_id: str, reason: str) -> WebhookEndpoint:
        """Stop sending to an endpoint (e.g. it returned 410 Gone)."""
        endpoint = self.session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise LookupError(f"endpoint {endpoint_id} not found")
        endpoint.is_active = False
        cancelled = self.cancel_pending(endpoint_id, reason=f"endpoint disabled: {reason}")
        self.session.commit()
        logger.warning("endpoint %s disabled (%s), %d deliveries cancelled", endpoint_id, reason, cancelled)
        return endpoint

    def cancel_pending(self, endpoint_id: str, reason: str) -> int:
        """Fail every not-yet-sent delivery of an endpoint; returns how many."""
        deliveries = (
            self.session.query(WebhookDelivery)
            .filter(
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value]),
            )
            .all()
        )
        for delivery in deliveries:
            delivery.status = DeliveryStatus.FAILED.value
            delivery.last_error = reason[:MAX_ERROR_LENGTH]
        return len(deliveries)

    # ------------------------------------------------------------------
    # Queries
    # ------------------------------------------------------------------

    def pending(self, limit: int = 100) -> Sequence[WebhookDelivery]:
        return (
            self.session.execute(
                select(WebhookDelivery)
                .where(WebhookDelivery.status == DeliveryStatus.PENDING.value)
                .order_by(WebhookDelivery.created_at)
                .limit(limit)
            )
            .scalars()
            .all()
        )

    def due_retries(self, now: Optional[datetime] = None, limit: int = 100) -> Sequence[WebhookDelivery]:
        """Deliveries waiting for a retry whose backoff has elapsed."""
        now = now or self.clock()
        return (
            self.session.execute(
                select(WebhookDelivery)
                .where(
                    WebhookDelivery.status == DeliveryStatus.RETRYING.value,
                    WebhookDelivery.next_retry_at <= now,
                )
                .order_by(WebhookDelivery.next_retry_at)
                .limit(limit)
            )
            .scalars()
            .all()
        )

    def recover_stuck(self, older_than: timedelta = timedelta(minutes=15)) -> int:
        """Requeue deliveries left in SENDING by a worker that died mid-flight.

        The endpoint may or may not have received them; receivers are
        expected to de-duplicate on the delivery id.
        """
        cutoff = self.clock() - older_than
        stuck = (
            self.session.query(WebhookDelivery)
            .filter(
                WebhookDelivery.status == DeliveryStatus.SENDING.value,
                WebhookDelivery.created_at <= cutoff,
            )
            .all()
        )
        for delivery in stuck:
            delivery.status = DeliveryStatus.RETRYING.value
            delivery.next_retry_at = self.clock()
        if stuck:
            self.session.commit()
            logger.warning("recovered %d deliveries stuck in sending", len(stuck))
        return len(stuck)

    def backlog_size(self) -> int:
        """Deliveries still to be sent (pending or awaiting retry)."""
        return self.session.execute(
            select(func.count(WebhookDelivery.id)).where(
                WebhookDelivery.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value])
            )
        ).scalar_one()

    def dead_letters(self, endpoint_id: Optional[str] = None) -> Sequence[WebhookDelivery]:
        """Deliveries that exhausted their attempts, newest first."""
        query = select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.DLQ.value)
        if endpoint_id is not None:
            query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
        return self.session.execute(query.order_by(WebhookDelivery.created_at.desc())).scalars().all()

    def purge_delivered(self, older_than_days: int = 30) -> int:
        """Delete delivered rows past retention; failures are kept for support."""
        cutoff = self.clock() - timedelta(days=older_than_days)
        deleted = (
            self.session.query(WebhookDelivery)
            .filter(WebhookDelivery.status == DeliveryStatus.DELIVERED.value)
            .filter(WebhookDelivery.delivered_at < cutoff)
            .delete(synchronize_session=False)
        )
        self.session.commit()
        return deleted

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def deliver(self, delivery: WebhookDelivery) -> bool:
        """Send one delivery now; returns whether the endpoint accepted it."""
        endpoint = delivery.endpoint
        if endpoint is None or not endpoint.is_active:
            self._dead_letter(delivery, "endpoint disabled or deleted")
            return False

        # Mark in flight first; recover_stuck() requeues the row if we crash.
        delivery.status = DeliveryStatus.SENDING.value
        delivery.attempt_count = (delivery.attempt_count or 0) + 1
        self.session.flush()

        body = json.dumps(
            {"id": delivery.id, "type": delivery.event_type, "data": delivery.payload},
            separators=(",", ":"),
            sort_keys=True,
        ).encode()
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: delivery.event_type,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: "v1=" + sign_payload(endpoint.secret, timestamp, body),
        }

        try:
            response = self.transport(endpoint.url, body, headers)
        except TransportError as exc:
            self._record_failure(delivery, None, f"transport error: {exc}", retryable=True)
            return False

        delivery.response_status_code = response.status_code
        if 200 <= response.status_code < 300:
            delivery.status = DeliveryStatus.DELIVERED.value
            delivery.delivered_at = self.clock()
            delivery.next_retry_at = None
            delivery.last_error = None
            return True

        self._record_failure(
            delivery,
            response.status_code,
            f"HTTP {response.status_code}: {response.body}",
            retryable=is_retryable(response.status_code),
        )
        return False

    def process_due(self, limit: int = 100) -> Dict[str, int]:
        """Send pending deliveries and due retries; commit once per delivery."""
        counts = {"delivered": 0, "failed": 0}
        batch = list(self.pending(limit)) + list(self.due_retries(limit=limit))
        for delivery in batch[:limit]:
            ok = self.deliver(delivery)
            counts["delivered" if ok else "failed"] += 1
            self.session.commit()
        return counts

    def replay_dead_letter(self, delivery_id: str) -> WebhookDelivery:
        """Move a DLQ delivery back to the queue with a fresh attempt budget."""
        delivery = self.session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            raise LookupError(f"delivery {delivery_id} not found")
        if delivery.status != DeliveryStatus.DLQ.value:
            raise ValueError(f"delivery {delivery_id} is not dead-lettered")
        delivery.status = DeliveryStatus.PENDING.value
        delivery.attempt_count = 0
        delivery.next_retry_at = None
        self.session.commit()
        logger.info("delivery %s replayed from DLQ", delivery_id)
        return delivery

    def endpoint_stats(self, endpoint_id: str) -> Dict[str, int]:
        rows = self.session.execute(
            select(WebhookDelivery.status, func.count(WebhookDelivery.id))
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .group_by(WebhookDelivery.status)
        ).all()
        stats = {status.value: 0 for status in DeliveryStatus}
        for status, count in rows:
            stats[DeliveryStatus(status).value] = count
        return stats

    # ------------------------------------------------------------------
    # Failure handling
    # ------------------------------------------------------------------

    def _record_failure(
        self,
        delivery: WebhookDelivery,
        status_code: Optional[int],
        error: str,
        retryable: bool,
    ) -> None:
        delivery.last_error = error[:MAX_ERROR_LENGTH]
        if not retryable:
            delivery.status = DeliveryStatus.FAILED.value
            delivery.next_retry_at = None
            logger.warning("delivery %s failed permanently: %s", delivery.id, error)
            return
        if delivery.attempt_count >= delivery.max_attempts:
            self._dead_letter(delivery, error)
            return
        delivery.status = DeliveryStatus.RETRYING.value
        delivery.next_retry_at = self.clock() + compute_backoff(
            delivery.attempt_count, rng=self.rng
        )
        logger.info(
            "delivery %s attempt %d failed (%s); retry at %s",
            delivery.id,
            delivery.attempt_count,
            status_code,
            delivery.next_retry_at.isoformat(),
        )

    def _dead_letter(self, delivery: WebhookDelivery, reason: str) -> None:
        delivery.status = DeliveryStatus.DLQ.value
        delivery.next_retry_at = None
        delivery.last_error = reason[:MAX_ERROR_LENGTH]
        logger.error("delivery %s moved to DLQ: %s", delivery.id, reason)
