"""Money as integer cents plus an ISO 4217 currency code; also the composite of Plan.price."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Money:
    amount_cents: int
    currency: str = "USD"

    def __composite_values__(self):
        return self.amount_cents, self.currency

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount_cents + other.amount_cents, self.currency)

    def scaled(self, factor: float) -> "Money":
        return Money(round(self.amount_cents * factor), self.currency)

    def format(self) -> str:
        return f"{self.amount_cents / 100:.2f} {self.currency}"

    @classmethod
    def zero(cls, currency: str = "USD") -> "Money":
        return cls(0, currency)
