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

from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition, outcome_labels
from core.history.trial_history import COMPLETED, TrialHistory
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


def outcomes(history: TrialHistory, outcome: OutcomeDefinition = DEFAULT_OUTCOME) -> pd.DataFrame:
    """Each patient's site, status, end date and whether their ending counts as dropout under ``outcome`` (the
    definition the model was trained on), indexed by patient (the truth the counting reads)."""
    subjects = history.subjects
    return pd.DataFrame(
        {
            SITE_COLUMN: subjects[SITE_COLUMN].astype(str).to_numpy(),
            "status": subjects["status"].to_numpy(),
            "counts_as_dropout": outcome_labels(subjects, outcome) == 1,
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


def _per_patient(calls: pd.DataFrame, truth: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """Per patient: site, whether they withdrew while the replay ran, calls, whether one came before they left,
    and the weeks from their first call to their withdrawal."""
    ids = calls[ID_COLUMN].astype(str)
    first = pd.to_datetime(calls.groupby(ids)["day"].min()).reindex(truth.index) if len(calls) else None
    dropout = (truth["counts_as_dropout"] & (truth["end_date"] > start)).to_numpy()
    ends = pd.to_datetime(truth["end_date"])
    first_call = first if first is not None else pd.Series(pd.NaT, index=truth.index, dtype="datetime64[ns]")
    reached = dropout & (first_call.notna() & (first_call < ends)).to_numpy()
    warning = np.where(reached, (ends - first_call).dt.days.to_numpy(dtype=float) / 7, np.nan)
    return pd.DataFrame(
        {
            SITE_COLUMN: truth[SITE_COLUMN].to_numpy(),
            "dropout": dropout,
            "reached": reached,
            "warning": warning,
            "calls": ids.value_counts().reindex(truth.index, fill_value=0).to_numpy(),
            "completed": (truth["status"] == COMPLETED).to_numpy(),
        },
        index=truth.index,
    )


def _summary(table: pd.DataFrame) -> dict[str, Any]:
    warning = table["warning"].dropna().to_numpy(dtype=float)
    reached, dropouts, calls = int(table["reached"].sum()), int(table["dropout"].sum()), int(table["calls"].sum())
    return {
        "dropouts": dropouts,
        "reached_before_leaving": reached,
        "share_reached": _ratio(reached, dropouts, 3),
        "median_weeks_of_warning": round(float(np.median(warning)), 1) if len(warning) else None,
        "weeks_of_warning": warning_distribution(warning),
        "calls": calls,
        "calls_per_withdrawal_reached": _ratio(calls, reached, 1),
        "share_of_calls_to_completers": _ratio(float(table["calls"][table["completed"]].sum()), calls, 3),
    }


def figures(calls: pd.DataFrame, truth: pd.DataFrame, start: pd.Timestamp) -> dict[str, Any]:
    """The figures of one strategy's ``calls`` (day, patient) against ``truth`` (``outcomes``)."""
    return _summary(_per_patient(calls, truth, start))


def by_site(calls: pd.DataFrame, truth: pd.DataFrame, start: pd.Timestamp) -> dict[str, dict[str, Any]]:
    """``figures`` within each site (a patient counts at their own site)."""
    table = _per_patient(calls, truth, start)
    return {str(site): _summary(part) for site, part in table.groupby(SITE_COLUMN, sort=True)}


def averaged(draws: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The mean of each figure over random draws (the distribution's counts and quartiles too)."""

    def mean(values: list[Any]) -> Any:
        known = [v for v in values if v is not None]
        if not known:
            return None
        if len(known) == len(values) and all(v == known[0] for v in known):  # the same in every draw: as it is
            return known[0]
        if isinstance(known[0], dict):
            return {key: mean([v[key] for v in known]) for key in known[0]}
        if isinstance(known[0], list):
            return [mean([v[i] for v in known]) for i in range(len(known[0]))]
        return round(float(np.mean(known)), 3)

    return {key: mean([d[key] for d in draws]) for key in draws[0]} if draws else {}
