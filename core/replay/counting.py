"""What a strategy's calls bought, counted against what later happened (read from the whole history).

* ``dropouts``: patients who withdrew while the replay ran (after its first week's day): the ones a weekly
  call could have reached;
* ``reached_before_leaving``: of them, those called at least once before their withdrawal date;
* ``weeks_of_warning``: for each patient reached, weeks from their first call to their withdrawal;
  ``median_weeks_of_warning`` and its distribution (quartiles, and counts in bins);
* ``calls``; ``calls_per_withdrawal_reached``; ``share_of_calls_to_completers`` (the calls that went to
  patients who went on to complete; calls to patients still ongoing at the cut-off count in neither share).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory
from core.reading.contract import ID_COLUMN, SITE_COLUMN

WARNING_BINS = ((0, 1), (1, 2), (2, 4), (4, 8), (8, None))  # weeks: [low, high)
FIGURE_KEYS = (
    "dropouts",
    "reached_before_leaving",
    "share_reached",
    "median_weeks_of_warning",
    "weeks_of_warning",
    "calls",
    "calls_per_withdrawal_reached",
    "share_of_calls_to_completers",
)


def outcomes(history: TrialHistory) -> pd.DataFrame:
    """Each patient's site, status and end date, indexed by patient (the truth the counting reads)."""
    subjects = history.subjects
    return pd.DataFrame(
        {
            SITE_COLUMN: subjects[SITE_COLUMN].astype(str).to_numpy(),
            "status": subjects["status"].to_numpy(),
            "end_date": subjects["end_date"].to_numpy(),
        },
        index=pd.Index(subjects[ID_COLUMN].astype(str), name=ID_COLUMN),
    )


def _bin_label(low: int, high: int | None) -> str:
    return f"{low} weeks or more" if high is None else f"{low} to {high} weeks"


def warning_distribution(weeks: np.ndarray) -> dict[str, Any]:
    """Quartiles and counts in bins of the weeks of warning."""
    counts = {
        _bin_label(low, high): int(np.count_nonzero((weeks >= low) & (weeks < (np.inf if high is None else high))))
        for low, high in WARNING_BINS
    }
    quartiles = [round(float(q), 1) for q in np.percentile(weeks, [25, 50, 75])] if len(weeks) else None
    return {"quartiles": quartiles, "counts": counts}


def _ratio(top: float, bottom: float, digits: int) -> float | None:
    return round(top / bottom, digits) if bottom else None


def figures(calls: pd.DataFrame, truth: pd.DataFrame, start: pd.Timestamp) -> dict[str, Any]:
    """The figures of one strategy's ``calls`` (day, patient) against ``truth`` (``outcomes``)."""
    withdrew = truth[(truth["status"] == WITHDRAWN) & (truth["end_date"] > start)]
    first = calls.groupby(ID_COLUMN)["day"].min().to_dict() if len(calls) else {}
    first_call = pd.to_datetime(pd.Series([first.get(p) for p in withdrew.index], index=withdrew.index, dtype=object))
    before = first_call.notna() & (first_call < withdrew["end_date"])
    warning = ((withdrew["end_date"] - first_call)[before].dt.days / 7).to_numpy(dtype=float)
    called_status = truth["status"].reindex(calls[ID_COLUMN].astype(str)).to_numpy()
    reached = int(before.sum())
    return {
        "dropouts": int(len(withdrew)),
        "reached_before_leaving": reached,
        "share_reached": _ratio(reached, len(withdrew), 3),
        "median_weeks_of_warning": round(float(np.median(warning)), 1) if len(warning) else None,
        "weeks_of_warning": warning_distribution(warning),
        "calls": int(len(calls)),
        "calls_per_withdrawal_reached": _ratio(len(calls), reached, 1),
        "share_of_calls_to_completers": _ratio(float(np.count_nonzero(called_status == COMPLETED)), len(calls), 3),
    }


def by_site(calls: pd.DataFrame, truth: pd.DataFrame, start: pd.Timestamp) -> dict[str, dict[str, Any]]:
    """``figures`` within each site (a patient counts at their own site)."""
    site_of_call = truth[SITE_COLUMN].reindex(calls[ID_COLUMN].astype(str)).to_numpy()
    return {
        str(site): figures(calls[site_of_call == site], truth[truth[SITE_COLUMN] == site], start)
        for site in sorted(truth[SITE_COLUMN].unique())
    }


def averaged(draws: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The mean of each figure over random draws (the distribution's counts and quartiles too)."""

    def mean(values: list[Any]) -> Any:
        known = [v for v in values if v is not None]
        if not known:
            return None
        if len(values) == 1:  # one draw: its figure as it is
            return known[0]
        if isinstance(known[0], dict):
            return {key: mean([v[key] for v in known]) for key in known[0]}
        if isinstance(known[0], list):
            return [mean([v[i] for v in known]) for i in range(len(known[0]))]
        return round(float(np.mean(known)), 3)

    return {key: mean([d[key] for d in draws]) for key in draws[0]} if draws else {}
