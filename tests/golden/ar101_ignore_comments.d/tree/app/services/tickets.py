from sqlalchemy.orm import Session

from app.models import Ticket


def escalate(session: Session, ticket_id: int) -> None:
    ticket = session.get(Ticket, ticket_id)
    ticket.priority = "high"  # alignrisk: ignore[AR101]
    ticket.escalated = True  # alignrisk: ignore
    ticket.assignee = "ops"  # alignrisk: ignore[AR102]
    ticket.sla_hours = 4  # alignrisk: ignore[AR102,AR101]
    ticket.queue = "tier2"
    session.commit()
