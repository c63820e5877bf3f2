"""FastAPI dependencies that resolve the caller."""
from fastapi import Header, HTTPException

from app.db import SessionLocal
from app.models import User
from app.services import api_keys


def current_user(authorization: str = Header(...)) -> User:
    token = authorization.removeprefix("Bearer ").strip()
    with SessionLocal() as session:
        try:
            return api_keys.authenticate(session, token)
        except Exception as exc:
            raise HTTPException(401, str(exc)) from exc
