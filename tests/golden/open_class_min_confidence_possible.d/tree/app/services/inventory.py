from sqlalchemy.orm import Session

from app.models import Bin, Shelf, Warehouse


def sync(session: Session, warehouse_id: int, shelf_id: int, bin_id: int) -> None:
    warehouse = session.get(Warehouse, warehouse_id)
    warehouse.external_ref = "WH-" + warehouse.code
    shelf = session.get(Shelf, shelf_id)
    shelf.capacity = 40
    item_bin = session.get(Bin, bin_id)
    item_bin.capacity = 4
    session.commit()
