"""The fair test's draws: which flagged patients of a week were held out from the call list, at random.

One ``holdout_draws`` row per week drawn (the share, the seed that drew it, how many were flagged, who and
when) and one ``held_out`` row per patient held out (patient id and site as the week's scores give them).
A week is drawn once: recording it again returns the draw already stored, so every session and export of
that week holds out the same patients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc

from core.store import schema
from core.store.database import Database
from core.store.errors import StoreInputError
from core.store.frames import frame_of

HELD_OUT_COLUMNS = ["upload_id", "patient_id", "site_id"]


@dataclass(frozen=True)
class Draw:
    """One week's random hold-out, as stored."""

    upload_id: int
    trial: str | None
    share: float
    seed: int
    flagged: int
    drawn_by: str
    drawn_at: datetime
    patients: frozenset[tuple[str, str]]  # (site, patient id); a blank site as ""


class HoldOuts:
    """The store's part for hold-out draws: ``record`` once per week, read back by week or all together."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(
        self,
        upload_id: int,
        *,
        share: float,
        seed: int,
        flagged: int,
        patients: Iterable[tuple[str, str]],
        drawn_by: str,
        trial: str | None = None,
    ) -> Draw:
        """Keep a week's draw (all of it or nothing); a week already drawn keeps its first draw, which is returned."""
        rows = [{"upload_id": upload_id, "patient_id": p, "site_id": s or None} for s, p in sorted(set(patients))]
        draw = {
            "upload_id": upload_id,
            "trial": trial,
            "share": float(share),
            "seed": int(seed),
            "flagged": int(flagged),
            "drawn_by": drawn_by,
            "drawn_at": datetime.now(UTC),
        }
        try:
            with self._db.writing() as connection:
                if connection.execute(_draw_query(upload_id)).first() is None:
                    connection.execute(sa.insert(schema.holdout_draws), [draw])
                    if rows:
                        connection.execute(sa.insert(schema.held_out), rows)
        except exc.IntegrityError:  # another session drew the week at the same moment, or no such week
            pass
        found = self.of_upload(upload_id)
        if found is None:
            raise StoreInputError(f"The hold-out of upload {upload_id} cannot be kept: no such week is stored.")
        return found

    def of_upload(self, upload_id: int) -> Draw | None:
        """The week's draw, or None when the week had no hold-out."""
        table = schema.held_out
        with self._db.reading() as connection:
            row = connection.execute(_draw_query(upload_id)).first()
            if row is None:
                return None
            held = connection.execute(
                sa.select(table.c.site_id, table.c.patient_id).where(table.c.upload_id == upload_id)
            )
            patients = frozenset((s or "", str(p)) for s, p in held)
        return Draw(row.upload_id, row.trial, row.share, row.seed, row.flagged, row.drawn_by, row.drawn_at, patients)

    def drawn_uploads(self) -> list[int]:
        """Every upload with a draw, oldest first."""
        with self._db.reading() as connection:
            query = sa.select(schema.holdout_draws.c.upload_id).order_by(schema.holdout_draws.c.upload_id)
            return [int(u) for u in connection.execute(query).scalars()]

    def held_out(self) -> pd.DataFrame:
        """Every held-out patient of every draw (HELD_OUT_COLUMNS)."""
        table = schema.held_out
        query = sa.select(*(table.c[n] for n in HELD_OUT_COLUMNS)).order_by(table.c.upload_id, table.c.patient_id)
        with self._db.reading() as connection:
            return frame_of(connection.execute(query), HELD_OUT_COLUMNS)


def _draw_query(upload_id: int) -> sa.Select[tuple[object, ...]]:
    return sa.select(schema.holdout_draws).where(schema.holdout_draws.c.upload_id == upload_id)
