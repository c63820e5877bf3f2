from app import enums
from app.enums import Visibility as Vis


def can_share(level: str) -> bool:
    if level == enums.Visibility.PUBLIC.value:
        return True
    if level == enums.Visibility.SHARED.value:
        return True
    return level == Vis.RESTRICTED.value or level == Vis.INTERNAL.value
