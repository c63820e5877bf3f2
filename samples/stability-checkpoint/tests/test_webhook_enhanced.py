"""Outbound webhook delivery, retries and the dead-letter queue."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from app.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from app.services.webhook_enhanced import (
    DeliveryStatus,
    EnhancedWebhookService,
    TransportError,
    TransportResponse,
    compute_backoff,
    is_retryable,
    sign_payload,
)


class FakeTransport:
    """Replays scripted responses and records what was sent."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.sent = []

    def __call__(self, url, body, headers):
        self.sent.append((url, body, headers))
        response = self.responses.pop(0) if self.responses else TransportResponse(200)
        if isinstance(response, Exception):
            raise response
        return response


class FakeClock:
    def __init__(self):
        self.now = datetime(2025, 11, 18, 9, 0, 0)

    def __call__(self):
        return self.now


@pytest.fixture()
def clock():
    return FakeClock()


@pytest.fixture()
def endpoint(session, organization):
    endpoint = WebhookEndpoint(
        organization_id=organization.id,
        url="https://hooks.example.com/acme",
        secret="s3cret",
        event_types=["invoice.paid"],
    )
    session.add(endpoint)
    session.commit()
    return endpoint


def make_service(session, clock, *responses):
    transport = FakeTransport(*responses)
    return EnhancedWebhookService(session, transport, clock=clock, rng=random.Random(7)), transport


def test_publish_and_deliver(session, organization, endpoint, clock):
    service, transport = make_service(session, clock)
    deliveries = service.publish(organization.id, "invoice.paid", {"invoice": "in_1"})
    assert len(deliveries) == 1
    assert service.publish(organization.id, "member.added", {}) == []
    assert service.backlog_size() == 1

    assert service.process_due() == {"delivered": 1, "failed": 0}
    delivery = deliveries[0]
    assert delivery.status == WebhookStatus.DELIVERED
    assert delivery.attempt_count == 1
    url, body, headers = transport.sent[0]
    assert url == endpoint.url
    ts = int(headers["X-Acme-Timestamp"])
    assert headers["X-Acme-Signature"] == "v1=" + sign_payload("s3cret", ts, body)


def test_retry_then_dead_letter_and_replay(session, organization, endpoint, clock):
    service, _ = make_service(
        session, clock, TransportResponse(503, "busy"), TransportError("timeout"), TransportResponse(500)
    )
    delivery = service.publish(organization.id, "invoice.paid", {"n": 1})[0]
    delivery.max_attempts = 3
    session.commit()

    service.process_due()
    assert delivery.status == DeliveryStatus.RETRYING.value
    assert service.due_retries() == []

    clock.now += timedelta(hours=1)
    assert [d.id for d in service.due_retries()] == [delivery.id]
    service.process_due()
    assert delivery.status == WebhookStatus.RETRYING
    assert "timeout" in delivery.last_error

    clock.now += timedelta(hours=1)
    service.process_due()
    assert delivery.status == WebhookStatus.DLQ
    assert [d.id for d in service.dead_letters(endpoint.id)] == [delivery.id]

    replayed = service.replay_dead_letter(delivery.id)
    assert replayed.status == WebhookStatus.PENDING
    assert replayed.attempt_count == 0
    with pytest.raises(ValueError):
        service.replay_dead_letter(delivery.id)


def test_client_error_is_permanent(session, organization, endpoint, clock):
    service, _ = make_service(session, clock, TransportResponse(404, "gone"))
    delivery = service.publish(organization.id, "invoice.paid", {})[0]
    service.process_due()
    assert delivery.status == WebhookStatus.FAILED
    assert service.endpoint_stats(endpoint.id)["failed"] == 1


def test_backoff_and_retryable():
    assert compute_backoff(1, jitter=0) == timedelta(seconds=30)
    assert compute_backoff(4, jitter=0) == timedelta(seconds=240)
    assert compute_backoff(30, jitter=0) == timedelta(hours=6)
    with pytest.raises(ValueError):
        compute_backoff(0)
    assert is_retryable(502) and is_retryable(429)
    assert not is_retryable(400)


def test_delivery_enums_are_aliases():
    assert {m.name: m.value for m in DeliveryStatus} == {m.name: m.value for m in WebhookStatus}
