from sqlalchemy.orm import Session

from app.models import Plan, Tier


def upgrade(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    plan.tier = Tier.PRO
    plan.code = plan.code.upper()
    return plan
