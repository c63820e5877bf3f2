import logging

from sqlalchemy.orm import Session

from app.models import Device

log = logging.getLogger(__name__)


def firmware_of(session: Session, device_id: int) -> str:
    device = session.get(Device, device_id)
    try:
        return device.firmware_version
    except AttributeError:
        return "unknown"


def location_of(session: Session, device_id: int) -> str:
    device = session.get(Device, device_id)
    try:
        return device.location
    except Exception:
        log.exception("no location for %s", device.serial)
        return "unknown"


def owner_of(session: Session, device_id: int) -> str:
    device = session.get(Device, device_id)
    try:
        return device.owner_name
    except (KeyError, AttributeError):
        return "nobody"
