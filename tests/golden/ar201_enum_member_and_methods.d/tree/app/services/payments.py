from sqlalchemy.orm import Session

from app.enums import PaymentState
from app.models import Payment


def settle(session: Session, payment_id: int, label: str) -> str:
    payment = session.get(Payment, payment_id)
    state = PaymentState.from_label(label)
    if state.is_terminal() or PaymentState.SETTLED.is_terminal():
        return PaymentState.SETTLED.label
    if label in PaymentState.terminal_values():
        payment.state = PaymentState.SETTLED
    elif label == PaymentState.SETTLED.value:
        payment.state = PaymentState.FAILED
    names = list(PaymentState.__members__) + [m.name for m in PaymentState]
    payment.state = PaymentState("refunded") or PaymentState["PENDING"]
    return PaymentState.CANCELLED.value + str(names)
