"""Enumerations shared by models and services."""
import enum
from enum import Enum, IntEnum, auto
from typing import Optional


class UserStatus(str, Enum):
    INVITED = "invited"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"

    @property
    def can_login(self) -> bool:
        return self is UserStatus.ACTIVE

    @classmethod
    def from_header(cls, raw: str) -> "UserStatus":
        return cls(raw.strip().lower())


class OrgPlanTier(str, Enum):
    FREE = "free"
    TEAM = "team"
    BUSINESS = "business"
    ENTERPRISE = "enterprise"

    def seat_limit(self) -> Optional[int]:
        return {"free": 3, "team": 25, "business": 250}.get(self.value)

    def __lt__(self, other: "OrgPlanTier") -> bool:
        order = list(OrgPlanTier)
        return order.index(self) < order.index(other)


class InvoiceStatus(str, Enum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"

    @classmethod
    def terminal(cls) -> frozenset:
        return frozenset({cls.PAID, cls.VOID, cls.UNCOLLECTIBLE})


class SubscriptionStatus(str, Enum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    INCOMPLETE = "incomplete"

    @property
    def is_billable(self) -> bool:
        return self in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


class PaymentStatus(str, Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class BillingInterval(Enum):
    MONTH = "month"
    YEAR = "year"

    @property
    def months(self) -> int:
        return 12 if self is BillingInterval.YEAR else 1


class CouponDuration(str, Enum):
    ONCE = "once"
    REPEATING = "repeating"
    FOREVER = "forever"


class RoleScope(IntEnum):
    ORG = 1
    TEAM = 2
    PROJECT = 3


class AuditAction(Enum):
    LOGIN = auto()
    LOGOUT = auto()
    LOGIN_FAILED = auto()
    ROLE_GRANTED = auto()
    ROLE_REVOKED = auto()
    INVOICE_ISSUED = auto()
    INVOICE_VOIDED = auto()
    API_KEY_CREATED = auto()
    API_KEY_REVOKED = auto()
    SUBSCRIPTION_CHANGED = auto()

    def label(self) -> str:
        return self.name.replace("_", " ").title()


class LoginMethod(str, enum.Enum):
    PASSWORD = "password"
    SAML = "saml"
    SSO = "saml"  # alias kept for old clients
    OAUTH_GOOGLE = "oauth_google"
    MAGIC_LINK = "magic_link"
