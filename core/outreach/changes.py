"""The week-to-week change list: who is new, whose risk rose, who crossed into the flagged list, who left.

Pure pandas (no database): give it last week's and this week's scores, one row per patient with at
least ``patient_id``, ``probability`` and ``flagged`` (``core.store`` returns them in that shape).
Every list carries both weeks' values side by side, ``<column>_last_week`` and ``<column>_this_week``,
for the probability, flag and whichever of risk band, site and days in trial the weeks have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.formatting import things
from core.reading.contract import ID_COLUMN, SITE_COLUMN

MIN_RISE = 0.10  # probability points (10 percentage points) that count as "risk rose"
LAST, NOW = "_last_week", "_this_week"
REQUIRED = (ID_COLUMN, "probability", "flagged")
COMPARED = ("probability", "flagged", "risk_band", SITE_COLUMN, "days_in_trial")
_TOLERANCE = 1e-9  # 0.30 - 0.20 is 0.0999…98 in floating point: still a rise of 10 points


@dataclass(frozen=True)
class WeeklyChanges:
    """The four lists; a patient can be in both ``risk_rose`` and ``newly_flagged``."""

    new: pd.DataFrame  # in this week's scores, not in last week's; highest risk first
    risk_rose: pd.DataFrame  # in both, probability up by at least the minimum rise; largest rise first
    newly_flagged: pd.DataFrame  # in both, flagged this week and not last week; highest risk first
    left: pd.DataFrame  # in last week's scores, not in this week's; highest last risk first

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("new", "risk_rose", "newly_flagged", "left")}


def _checked(scores: pd.DataFrame, week: str) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in scores]
    if missing:
        raise ValueError(f"{week}'s scores lack the column(s) {', '.join(missing)}")
    ids = scores[ID_COLUMN].astype(str)
    repeated = int(ids.duplicated().sum())
    if repeated:
        raise ValueError(
            f"{week}'s scores list {things(repeated, 'patient')} more than once; each patient needs one row"
        )
    return scores.assign(**{ID_COLUMN: ids})


def weekly_changes(last_week: pd.DataFrame, this_week: pd.DataFrame, min_rise: float = MIN_RISE) -> WeeklyChanges:
    """Compare two weeks' scores (see the module's docstring for the columns)."""
    last, now = _checked(last_week, "last week"), _checked(this_week, "this week")
    compared = [c for c in COMPARED if c in last or c in now]
    # both sides get every compared column, so the merge suffixes each one the same way
    last = last.reindex(columns=[ID_COLUMN, *compared])
    now = now.reindex(columns=[ID_COLUMN, *compared])
    both = last.merge(now, on=ID_COLUMN, how="outer", suffixes=(LAST, NOW), indicator=True, sort=False)
    for suffix in (LAST, NOW):
        both["flagged" + suffix] = both["flagged" + suffix].astype("boolean")
    both["change"] = both["probability" + NOW] - both["probability" + LAST]
    where = both.pop("_merge").to_numpy()
    pairs = [c + suffix for c in compared for suffix in (LAST, NOW)]
    both = both[[ID_COLUMN, *pairs[:2], "change", *pairs[2:]]]  # each value's two weeks side by side
    in_both = where == "both"
    rose = in_both & (both["change"].to_numpy(dtype=float, na_value=np.nan) >= min_rise - _TOLERANCE)
    flagged_now = both["flagged" + NOW].fillna(False).to_numpy(dtype=bool)
    flagged_before = both["flagged" + LAST].fillna(False).to_numpy(dtype=bool)
    return WeeklyChanges(
        new=_ordered(both[where == "right_only"], "probability" + NOW),
        risk_rose=_ordered(both[rose], "change"),
        newly_flagged=_ordered(both[in_both & flagged_now & ~flagged_before], "probability" + NOW),
        left=_ordered(both[where == "left_only"], "probability" + LAST),
    )


def _ordered(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """Highest ``by`` first, ties by patient id, so the lists read the same every time."""
    return rows.sort_values([by, ID_COLUMN], ascending=[False, True], ignore_index=True, kind="stable")
