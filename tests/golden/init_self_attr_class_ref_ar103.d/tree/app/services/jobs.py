from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Job


def flaky_jobs(session: Session) -> list[Job]:
    stmt = select(Job).where(Job.retries > 3).order_by(Job.name)
    return list(session.scalars(stmt))


def bump(session: Session, job_id: int) -> None:
    job = session.get(Job, job_id)
    job.retries = job.retries + 1
    session.commit()
