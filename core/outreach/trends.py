"""Each patient's risk across the stored weeks: the values for a small trend line and the change since last week.

Pure pandas (no database): give it several weeks' scores, oldest first, each one row per patient with
at least ``patient_id`` and ``probability`` (``core.store`` returns them in that shape), labelled by
the day they were scored. Also here: who had a contact recorded lately (for the "not contacted yet"
filter), from the outreach log's last contact per patient.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.reading.contract import ID_COLUMN

TREND_WEEKS = 8  # weeks a trend line shows, the latest last
TREND, CHANGE = "trend", "change_since_last_week"


@dataclass(frozen=True)
class ScoredWeek:
    """One week's scores (patient_id, probability) and the day they were scored, shown as the week's label."""

    label: str
    scores: pd.DataFrame


def probability_by_week(weeks: Sequence[ScoredWeek], last_n: int = TREND_WEEKS) -> pd.DataFrame:
    """Patients × the last ``last_n`` weeks (oldest first): each patient's probability, NaN where not scored.

    Columns are the weeks' positions (0 the oldest kept), so two weeks scored on the same day stay apart.
    """
    if last_n < 1:
        raise ValueError("a trend needs at least one week")
    kept = list(weeks)[-last_n:]
    columns = []
    for position, week in enumerate(kept):
        missing = [c for c in (ID_COLUMN, "probability") if c not in week.scores]
        if missing:
            raise ValueError(f"the scores of {week.label} lack the column(s) {', '.join(missing)}")
        ids = week.scores[ID_COLUMN].astype(str)
        if ids.duplicated().any():
            raise ValueError(f"the scores of {week.label} list a patient more than once; each patient needs one row")
        values = week.scores["probability"].to_numpy(dtype=float)
        columns.append(pd.Series(values, index=pd.Index(ids, name=ID_COLUMN), name=position))
    if not columns:
        return pd.DataFrame(index=pd.Index([], name=ID_COLUMN, dtype=object))
    return pd.concat(columns, axis=1, sort=False)


def risk_trends(
    weeks: Sequence[ScoredWeek], patient_ids: Iterable[str] | None = None, last_n: int = TREND_WEEKS
) -> pd.DataFrame:
    """Per patient: ``trend``, their probabilities in the weeks they were scored (oldest first, at most
    ``last_n`` weeks), and ``change_since_last_week``, this week's probability minus last week's (NaN when
    the patient is not in both of the two latest weeks). Indexed by patient_id; ``patient_ids`` limits
    the rows to these patients (those in no week get an empty trend)."""
    wide = probability_by_week(weeks, last_n)
    if patient_ids is not None:
        wide = wide.reindex(pd.Index([str(p) for p in patient_ids], name=ID_COLUMN))
    values = wide.to_numpy(dtype=float)
    trend = [row[~np.isnan(row)].tolist() for row in values]
    change = values[:, -1] - values[:, -2] if values.shape[1] >= 2 else np.full(len(values), np.nan)
    return pd.DataFrame({TREND: trend, CHANGE: change}, index=wide.index)
