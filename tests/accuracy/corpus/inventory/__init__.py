"""Inventory service: catalog, warehouses, stock and purchasing (SQLAlchemy 2.0 style)."""
