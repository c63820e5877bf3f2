from sqlalchemy.orm import Session

from app.models import Report


def render(session: Session, report_id: int) -> str:
    report = session.get(Report, report_id)
    if not hasattr(report, "_rendered_cache"):
        report._rendered_cache = {}
    if getattr(report, "_dirty", False):
        report._dirty = False
    report.rendered_at = "now"
    return report.name
