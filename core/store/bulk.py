"""Many rows into one table fast, inside the caller's transaction.

PostgreSQL takes them by COPY (about ten times faster than INSERT batches for 100,000 rows); SQLite by
the driver's executemany with the rows as tuples (SQLAlchemy's per-row dictionaries double the time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_rows(
    connection: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; values must already be plain Python."""
    if not rows:
        return
    names = ", ".join(table.c[name].name for name in columns)
    if connection.dialect.name == "postgresql":
        driver_connection: Any = connection.connection.driver_connection
        with driver_connection.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(rows))
    else:
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
