"""Alembic's entry point, run by core.store.migrate on a connection it hands over (never from a command line).

Each migration runs in its own transaction: on PostgreSQL DDL is transactional; on SQLite too, because
core.store.database makes SQLAlchemy emit BEGIN. On SQLite each step also checks the foreign keys
before it commits (batch mode may rebuild a table with the foreign keys switched off).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext


def _check_foreign_keys(ctx: MigrationContext, step: Any, heads: Collection[Any], run_args: Mapping[str, Any]) -> None:
    """After a step on SQLite, before its commit: a broken reference fails the step and undoes it."""
    if ctx.connection is not None and ctx.connection.dialect.name == "sqlite":
        broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the step left {len(broken)} rows pointing to rows that do not exist")


if context.is_offline_mode():
    raise RuntimeError("the store's migrations run only against a live database (core.store.migrate)")

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=None,  # migrations describe the tables themselves; core/store/schema.py is checked against them
    transaction_per_migration=True,
    transactional_ddl=True,
    render_as_batch=True,
    on_version_apply=_check_foreign_keys,
)
with context.begin_transaction():
    context.run_migrations()
