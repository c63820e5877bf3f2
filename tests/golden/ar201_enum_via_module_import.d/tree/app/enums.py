import enum


class Visibility(enum.Enum):
    PRIVATE = "private"
    INTERNAL = "internal"
    PUBLIC = "public"
