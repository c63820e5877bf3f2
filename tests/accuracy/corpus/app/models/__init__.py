from app.models.accounts import ApiKey, Membership, Organization, Permission, Role, Team, User
from app.models.audit import AuditEvent, LoginEvent, RoleChangeEvent
from app.models.billing import (
    BankTransferPayment,
    CardPayment,
    Coupon,
    Invoice,
    InvoiceLine,
    Payment,
    Plan,
    Subscription,
)

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BankTransferPayment",
    "CardPayment",
    "Coupon",
    "Invoice",
    "InvoiceLine",
    "LoginEvent",
    "Membership",
    "Organization",
    "Payment",
    "Permission",
    "Plan",
    "Role",
    "RoleChangeEvent",
    "Subscription",
    "Team",
    "User",
]
