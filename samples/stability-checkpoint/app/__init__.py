"""Acme Trust platform backend.

Service layer for organizations, billing, webhooks and compliance (SOC 2 /
GDPR) built on SQLAlchemy. This package is the subject of the week 4.5
stability checkpoint (model-service alignment audit).
"""

__version__ = "0.9.3"
