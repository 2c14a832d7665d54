"""A deployment's saved decision settings (threshold, costs, capacity, plan …), with their history.

Every save adds rows; nothing is overwritten. The latest value of each key wins (by time, then by
order of saving), and it comes with who changed it and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from core.store import schema
from core.store.database import Database, plain_json
from core.store.errors import StoreInputError
from core.store.frames import frame_of

HISTORY_COLUMNS = ["key", "value", "changed_by", "changed_at"]


@dataclass(frozen=True)
class SavedSetting:
    key: str
    value: Any
    changed_by: str
    changed_at: datetime


class SavedSettings:
    """The ``settings`` table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def save(self, values: Mapping[str, Any], changed_by: str, changed_at: datetime | None = None) -> None:
        """Save these keys' values (JSON-serialisable) in one transaction, as changed by ``changed_by``."""
        when = changed_at or datetime.now(UTC)
        if when.tzinfo is None:
            raise StoreInputError("a setting's time must carry a time zone (use datetime.now(UTC))")
        rows = [
            {"key": str(k), "value": plain_json(v, f"the setting {k}"), "changed_by": changed_by, "changed_at": when}
            for k, v in values.items()
        ]
        if not rows:
            return
        with self._db.writing() as connection:
            connection.execute(sa.insert(schema.settings), rows)

    def latest(self) -> dict[str, SavedSetting]:
        """The value in force for every key ever saved, with who changed it last and when."""
        table = schema.settings
        rank = (
            sa.func.row_number()
            .over(partition_by=table.c.key, order_by=(table.c.changed_at.desc(), table.c.id.desc()))
            .label("rank")
        )
        ranked = sa.select(table.c.key, table.c.value, table.c.changed_by, table.c.changed_at, rank).subquery()
        query = sa.select(ranked.c.key, ranked.c.value, ranked.c.changed_by, ranked.c.changed_at).where(
            ranked.c.rank == 1
        )
        with self._db.reading() as connection:
            rows = connection.execute(query).all()
        return {row.key: SavedSetting(row.key, row.value, row.changed_by, row.changed_at) for row in rows}

    def history(self, key: str | None = None) -> pd.DataFrame:
        """Every saved value (of one key, or of all), newest first (HISTORY_COLUMNS)."""
        table = schema.settings
        query = sa.select(*(table.c[name] for name in HISTORY_COLUMNS)).order_by(
            table.c.changed_at.desc(), table.c.id.desc()
        )
        if key is not None:
            query = query.where(table.c.key == key)
        with self._db.reading() as connection:
            rows = connection.execute(query).all()
        return frame_of(rows, HISTORY_COLUMNS)
