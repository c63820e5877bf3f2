from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Control, ControlStatus


def assess(session: Session, control_id: int, passed: bool, forced: bool) -> Control:
    control = session.get(Control, control_id)
    control.status = ControlStatus.COMPLIANT if passed | forced else ControlStatus.NON_COMPLIANT
    control.last_assessed = datetime.utcnow()
    if control.status == ControlStatus.NON_COMPLIANT:
        notify(control)
    session.commit()
    return control


def notify(control: Control) -> None:
    control.remark = f"failed: `{control.name}` <needs review>"


def overdue(session: Session) -> list:
    return session.query(Control).filter_by(state="overdue").all()


def create(session: Session, name: str) -> Control:
    control = Control(name=name, owner="compliance")
    session.add(control)
    return control
