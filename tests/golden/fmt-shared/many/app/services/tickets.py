from sqlalchemy.orm import Session

from app.models import Ticket


def close(session: Session, ticket_id: int, note: str) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    ticket.status = "closed"
    ticket.closed_at = None
    ticket.closed_by = None
    ticket.resolution = note
    ticket.resolution_code = 3
    ticket.sla_met = True
    ticket.priority = "low"
    ticket.assignee = None
    ticket.escalated = False
    ticket.reopen_count = 0
    ticket.customer_notified = True
    ticket.notes = f"closed: 100% done, see {note}\nnext"
    session.commit()
    return ticket
