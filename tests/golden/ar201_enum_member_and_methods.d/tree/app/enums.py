import enum


class PaymentState(str, enum.Enum):
    PENDING = "pending"
    SETTLED = "settled"
    REFUNDED = "refunded"

    @classmethod
    def from_label(cls, label: str) -> "PaymentState":
        return cls(label.lower())

    @staticmethod
    def terminal_values() -> set:
        return {"settled", "refunded"}

    def is_terminal(self) -> bool:
        return self.value in self.terminal_values()

    @property
    def label(self) -> str:
        return self.value.title()
