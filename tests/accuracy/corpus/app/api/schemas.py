"""Response and request shapes of the HTTP API (plain dataclasses, not models)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Optional


@dataclass
class UserOut:
    id: int
    email: str
    name: str
    status: str
    username: Optional[str] = None
    avatar_url: Optional[str] = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class InvoiceOut:
    id: int
    number: str
    status: str
    total: int
    currency: str
    paid_on: Optional[datetime] = None
    lines: list[dict] = field(default_factory=list)


@dataclass
class SubscriptionIn:
    plan_code: str
    seats: int = 1
    coupon: Optional[str] = None
    state: str = "active"


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page
