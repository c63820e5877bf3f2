from sqlalchemy.orm import Session

from app.models import Profile


def describe(session: Session, profile_id: int) -> str:
    profile = session.get(Profile, profile_id)
    label = profile.handle
    if hasattr(profile, "nickname"):
        label = profile.nickname
    avatar = getattr(profile, "avatar_url", None)
    return " ".join([label, str(avatar), profile.bio])
