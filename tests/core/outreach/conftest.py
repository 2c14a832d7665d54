"""Outreach measured from a store uses the store tests' databases (SQLite, and PostgreSQL where it runs)."""

from tests.core.store.conftest import database_url, postgres_cluster, store

__all__ = ["database_url", "postgres_cluster", "store"]
