"""Runtime settings, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    database_url: str = os.environ.get("DATABASE_URL", "postgresql+psycopg://localhost/acme")
    default_currency: str = "USD"
    default_locale: str = "en"
    trial_days: int = 14
    invoice_prefix: str = "INV"
    api_key_prefix: str = "ak_live_"
    max_failed_logins: int = 5
    status: str = "production"
    allowed_countries: tuple[str, ...] = field(default_factory=lambda: ("US", "CA", "GB", "DE", "FR", "NL"))


settings = Settings()
