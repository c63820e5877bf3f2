from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Seat, Workspace


async def invite(session: AsyncSession, workspace_id: int, email: str) -> Seat:
    stmt = select(Seat).where(Seat.workspace_id == workspace_id, Seat.email == email)
    seat = (await session.execute(stmt)).scalar_one_or_none()
    if seat is None:
        seat = Seat(workspace_id=workspace_id, email=email, role="member")
        session.add(seat)
    seat.invited_at = datetime.utcnow()
    seat.invite_token = "tok"
    workspace = await session.get(Workspace, workspace_id)
    workspace.seat_count = len(workspace.members)
    await session.commit()
    return seat


async def change_email(session: AsyncSession, seat_id: int, email: str) -> None:
    stmt = select(Seat).where(Seat.id == seat_id)
    seat = (await session.execute(stmt)).scalar_one_or_none()
    seat.email = email
    seat.display_name = email
    await session.commit()
