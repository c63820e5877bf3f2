from sqlalchemy.orm import Session

from app.models import Page, Stage


def next_stage(session: Session, page_id: int) -> Stage:
    page = session.get(Page, page_id)
    match page.stage:
        case Stage.DRAFT:
            return Stage.REVIEW
        case Stage.REVIEW | Stage.APPROVED:
            return Stage.PUBLISHED
        case Stage.MISSING:
            raise ValueError("missing")
        case _:
            return page.stage
