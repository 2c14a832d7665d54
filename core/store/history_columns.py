"""Each trial's column matching, as the user chose it on the Cohort page: table -> field -> the user's header.

Every save adds a row; the latest per trial wins (by time, then by order of saving). The trial is named
as the app names it (its files' names); the matching is plain JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import sqlalchemy as sa

from core.store import schema
from core.store.database import Database, plain_json
from core.store.errors import StoreInputError


class HistoryColumns:
    """The ``history_columns`` table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def save(
        self,
        trial: str,
        columns: Mapping[str, Mapping[str, str]],
        changed_by: str,
        changed_at: datetime | None = None,
    ) -> None:
        """Remember ``columns`` (table -> field -> header) for ``trial``, as chosen by ``changed_by``."""
        when = changed_at or datetime.now(UTC)
        if when.tzinfo is None:
            raise StoreInputError("a matching's time must carry a time zone (use datetime.now(UTC))")
        value = {str(t): {str(f): str(h) for f, h in chosen.items()} for t, chosen in columns.items()}
        row = {"trial": trial, "columns": plain_json(value, "the column matching"), "changed_by": changed_by}
        with self._db.writing() as connection:
            connection.execute(sa.insert(schema.history_columns), [{**row, "changed_at": when}])

    def latest(self, trial: str) -> dict[str, dict[str, str]]:
        """The trial's latest matching (empty when none was saved)."""
        table = schema.history_columns
        query = (
            sa.select(table.c.columns)
            .where(table.c.trial == trial)
            .order_by(table.c.changed_at.desc(), table.c.id.desc())
            .limit(1)
        )
        with self._db.reading() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return {str(t): {str(f): str(h) for f, h in chosen.items()} for t, chosen in (found or {}).items()}
