from sqlalchemy.orm import Session

from app.models import Member, Team


def move_member(session: Session, member_id: int, team_id: int) -> None:
    member = session.get(Member, member_id)
    team = session.get(Team, team_id)
    member.team = team
    member.reports = []
    member.manager = None
    team.members = team.members + [member]
    team.owner = member
    session.commit()
