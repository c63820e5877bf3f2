"""Outbound notifications for the compliance and security teams.

Delivery is pluggable: production registers a Slack/PagerDuty sender at
start-up; by default alerts are only logged.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

logger = logging.getLogger(__name__)

AlertSender = Callable[[Dict[str, Any]], Awaitable[None]]

_senders: List[AlertSender] = []


def register_alert_sender(sender: AlertSender) -> None:
    _senders.append(sender)


def clear_alert_senders() -> None:
    _senders.clear()


async def send_compliance_alert(
    *,
    severity: str,
    title: str,
    message: str,
    control_id: Optional[str] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> None:
    """Fan an alert out to every registered sender; never raises."""
    alert = {
        "severity": severity,
        "title": title,
        "message": message,
        "control_id": control_id,
        "metadata": metadata or {},
    }
    logger.warning("compliance alert [%s] %s: %s", severity, title, message)
    for sender in list(_senders):
        try:
            await sender(alert)
        except Exception:  # pragma: no cover - a broken sender must not break callers
            logger.exception("alert sender %r failed", sender)
