import enum
from enum import IntEnum, StrEnum, auto


class StockMovementKind(StrEnum):
    RECEIPT = auto()
    SHIPMENT = auto()
    ADJUSTMENT = auto()
    TRANSFER = auto()
    RETURN = auto()

    @property
    def sign(self) -> int:
        return -1 if self in (StockMovementKind.SHIPMENT,) else 1


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    @classmethod
    def parse(cls, raw: str | int) -> "Priority":
        return cls(int(raw)) if str(raw).isdigit() else cls[str(raw).upper()]


class PurchaseOrderState(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"

    def is_open(self) -> bool:
        return self in (PurchaseOrderState.SUBMITTED, PurchaseOrderState.PARTIALLY_RECEIVED)
