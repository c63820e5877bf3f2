"""Core SaaS backend: accounts, organizations, RBAC, billing and audit."""

__version__ = "4.12.0"
