"""Application services (business logic on top of the ORM models)."""
