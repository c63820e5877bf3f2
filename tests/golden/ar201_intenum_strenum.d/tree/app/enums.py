from enum import Enum, IntEnum, StrEnum, auto


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


class Channel(StrEnum):
    EMAIL = auto()
    SMS = auto()


class Region(Enum):
    EU = "eu"
    US = "us"
    _ignore_ = ["helper"]
