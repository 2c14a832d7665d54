"""A week's inputs: the validated rows an upload was scored from, kept so the week can be reopened and rescored.

Stored beside the upload (table ``week_inputs``, revision 0007) as a gzip-compressed CSV of the valid rows
under the contract's names, patient identifiers as the trial gives them. Reading them back gives the rows as
text, ready to be checked and scored again under the model in use.
"""

from __future__ import annotations

import gzip
import io

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.store import schema
from core.store.database import Database

FORMAT = "csv.gz"
LEFT_OUT = ("source_row",)  # the row numbers of the file as read: not an input


def packed(rows: pd.DataFrame) -> bytes:
    """The rows as a compressed CSV (every value as text; blanks stay blank)."""
    kept = rows.drop(columns=[c for c in LEFT_OUT if c in rows.columns])
    return gzip.compress(kept.to_csv(index=False).encode("utf-8"), compresslevel=6)


def unpacked(data: bytes) -> bytes:
    """The CSV bytes of packed rows, as a cohort file would hold them."""
    return gzip.decompress(data)


def as_frame(data: bytes) -> pd.DataFrame:
    """Packed rows as a frame of text."""
    return pd.read_csv(io.BytesIO(unpacked(data)), dtype=str, keep_default_na=False)


def keep(connection: Connection, upload_id: int, rows: pd.DataFrame | None) -> None:
    """Within an upload's write: its inputs replace any kept before (None keeps none)."""
    table = schema.week_inputs
    connection.execute(sa.delete(table).where(table.c.upload_id == upload_id))
    if rows is not None:
        values = {"upload_id": upload_id, "format": FORMAT, "rows": len(rows), "data": packed(rows)}
        connection.execute(sa.insert(table).values(values))


class WeekInputs:
    """The ``week_inputs`` table: read a week's kept inputs."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def csv(self, upload_id: int) -> bytes | None:
        """The upload's input rows as CSV bytes; None when it kept none (stored before revision 0007)."""
        table = schema.week_inputs
        with self._db.reading() as connection:
            row = connection.execute(
                sa.select(table.c.format, table.c.data).where(table.c.upload_id == upload_id)
            ).first()
        if row is None or row.format != FORMAT:
            return None
        return unpacked(bytes(row.data))
