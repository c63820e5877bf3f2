from sqlalchemy.orm import Session

from app.models import Project, Task


def open_tasks(session: Session, project_id: int) -> list[Task]:
    return (
        session.query(Task)
        .filter(Task.project_id == project_id, Task.done.is_(False))
        .order_by(Task.priority)
        .all()
    )


def rename(session: Session, project_id: int, name: str) -> None:
    project = session.get(Project, project_id)
    project.name = name
    project.title = name
