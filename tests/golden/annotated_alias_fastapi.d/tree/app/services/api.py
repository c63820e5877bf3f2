from typing import Annotated, Sequence

from fastapi import Depends

from app.deps import CurrentOperator, current_operator
from app.models import Operator


def whoami(op: CurrentOperator) -> dict:
    return {"login": op.login, "team": op.team}


def whoami2(op: Annotated[Operator, Depends(current_operator)]) -> str:
    return op.shift


def roster(rows) -> list[str]:
    ops: Sequence[Operator] = []
    ops = list(rows)
    return [o.badge for o in ops]
