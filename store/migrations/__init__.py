"""Alembic migrations of the store; ``store.migrate`` runs them (no alembic.ini needed)."""
