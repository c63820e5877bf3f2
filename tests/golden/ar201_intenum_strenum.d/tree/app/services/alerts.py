from app.enums import Channel, Priority, Region


def route(priority: int, channel: str) -> str:
    if priority >= Priority.HIGH:
        return Channel.SMS
    if priority == Priority.URGENT:
        return Channel.PAGER
    if channel == Channel.EMAIL and Region.EU:
        return Region.APAC.value
    return Channel.EMAIL
