"""Every stored score row with its upload's times, in one query: what measuring the effect of outreach reads.

The weekly pages read one upload at a time (``uploads.Uploads``); the outreach effect follows every
patient across every upload, so it reads the whole ``scores`` table once, with its uploads' times.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.store import schema
from core.store.database import Database
from core.store.frames import frame_of

SCORE_ROW_COLUMNS = ["upload_id", "patient_id", "scored_at", "as_of", "probability", "flagged", "dropped_out"]
_UPLOAD_COLUMNS = ["id", "scored_at", "as_of"]
_SCORE_COLUMNS = ["upload_id", "patient_id", "probability", "flagged", "dropped_out"]


def score_rows(database: Database) -> pd.DataFrame:
    """Every score row (SCORE_ROW_COLUMNS), oldest upload first; ``dropped_out`` empty where not known."""
    s, u = schema.scores, schema.uploads
    # Two queries joined here: the upload times converted once per upload, not once per score row.
    with database.reading() as connection:
        times = frame_of(connection.execute(sa.select(u.c.id, u.c.scored_at, u.c.as_of)).all(), _UPLOAD_COLUMNS)
        rows = frame_of(
            connection.execute(
                sa.select(s.c.upload_id, s.c.patient_id, s.c.probability, s.c.flagged, s.c.dropped_out)
            ).all(),
            _SCORE_COLUMNS,
        )
    times = times.rename(columns={"id": "upload_id"}).astype({"upload_id": "int64"})
    frame = rows.astype({"upload_id": "int64"}).merge(times, on="upload_id", how="left")
    frame = frame.sort_values(["scored_at", "upload_id"], kind="stable", ignore_index=True)
    return frame[SCORE_ROW_COLUMNS].astype({"probability": float, "flagged": bool, "dropped_out": "boolean"})


SCORE_COUNT_COLUMNS = ["day", "risk_band", "dropped_out", "patients", "flagged", "mean_probability"]


def score_counts(database: Database) -> pd.DataFrame:
    """Stored scores counted by the day each week stands for, risk band and outcome (``dropped_out`` empty where
    not known): patients, flagged and the mean chance; oldest day first."""
    s, u = schema.scores, schema.uploads
    query = (
        sa.select(
            u.c.week_day,
            s.c.risk_band,
            s.c.dropped_out,
            sa.func.count(),
            sa.func.sum(sa.case((s.c.flagged, 1), else_=0)),
            sa.func.avg(s.c.probability),
        )
        .join(u, u.c.id == s.c.upload_id)
        .group_by(u.c.week_day, s.c.risk_band, s.c.dropped_out)
        .order_by(u.c.week_day, s.c.risk_band, s.c.dropped_out)
    )
    with database.reading() as connection:
        return frame_of(connection.execute(query).all(), SCORE_COUNT_COLUMNS)
