from typing import Annotated

from fastapi import Depends

from app.models import Operator


def current_operator() -> Operator:
    raise NotImplementedError


CurrentOperator = Annotated[Operator, Depends(current_operator)]
