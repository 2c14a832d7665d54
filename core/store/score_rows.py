"""Every stored score row with its upload's times, in one query: what measuring the effect of outreach reads.

The weekly pages read one upload at a time (``uploads.Uploads``); the outreach effect follows every
patient across every upload, so it reads the whole ``scores`` table once, joined to its uploads.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.store import schema
from core.store.database import Database
from core.store.frames import frame_of

SCORE_ROW_COLUMNS = ["upload_id", "patient_id", "scored_at", "as_of", "probability", "flagged", "dropped_out"]


def score_rows(database: Database) -> pd.DataFrame:
    """Every score row (SCORE_ROW_COLUMNS), oldest upload first; ``dropped_out`` empty where not known."""
    s, u = schema.scores, schema.uploads
    query = (
        sa.select(
            s.c.upload_id, s.c.patient_id, u.c.scored_at, u.c.as_of, s.c.probability, s.c.flagged, s.c.dropped_out
        )
        .join(u, u.c.id == s.c.upload_id)
        .order_by(u.c.scored_at, u.c.id)
    )
    with database.reading() as connection:
        frame = frame_of(connection.execute(query), SCORE_ROW_COLUMNS)
    return frame.astype({"probability": float, "flagged": bool, "dropped_out": "boolean"})
