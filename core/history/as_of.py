"""A running trial as of a date: its patients as a cohort snapshot the contract reads, ready to score.

The generic bundled model knows three arms (Active, Control, Placebo); a trial names its own. For it,
each trial arm is mapped once to one of those (``guess_arm_mapping`` proposes, the user confirms).
A model trained on the trial keeps the trial's own arm names.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from core.history.columns import HistoryContract
from core.history.contracts import HISTORY
from core.history.landmarks import EVENT_COLUMNS, snapshot_as_of
from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory, day_numbers

GENERIC_ARMS = ("Active", "Control", "Placebo")
_PLACEBO = ("placebo", "pbo", "plac", "dummy", "sham")
_CONTROL = ("control", "standard", "soc", "usual care", "comparator")


def derived_columns(contract: HistoryContract = HISTORY) -> tuple[str, ...]:
    """Snapshot columns the cohort contract does not hold: the feature table builds them from the ones it does."""
    return tuple(name for name in EVENT_COLUMNS if name not in contract.cohort)


DERIVED = derived_columns()  # visits_per_30_days, days_since_last_visit


def guess_arm_mapping(arms: list[str]) -> dict[str, str]:
    """A first guess at each trial arm's generic arm, from its name; the user confirms it."""
    guess = {}
    for arm in arms:
        words = arm.lower()
        if any(word in words for word in _PLACEBO):
            guess[arm] = "Placebo"
        elif any(word in words for word in _CONTROL):
            guess[arm] = "Control"
        else:
            guess[arm] = "Active"
    return guess


def trial_arms(history: TrialHistory) -> list[str]:
    """The trial's own arm names, in order of first appearance."""
    return list(dict.fromkeys(history.subjects["arm"].astype(str)))


def patients_in_study(history: TrialHistory, date: pd.Timestamp) -> int:
    """How many patients were enrolled and not yet ended on ``date``."""
    subjects = history.subjects
    today = day_numbers(np.array([date], dtype="datetime64[s]"))[0]
    start, end = day_numbers(subjects["enrolment_date"]), day_numbers(subjects["end_date"])
    ended = subjects["status"].isin([COMPLETED, WITHDRAWN]).to_numpy() & subjects["end_date"].notna().to_numpy()
    return int(np.count_nonzero((start <= today) & (~ended | (end > today))))


def default_as_of(history: TrialHistory) -> tuple[pd.Timestamp, str]:
    """The date to score as of, and why: the data cut-off, or, for a trial that has ended, its busiest day."""
    cutoff = history.data_cutoff()
    if patients_in_study(history, cutoff):
        return cutoff, "the latest date in the data"
    starts = history.subjects["enrolment_date"].dropna()
    ends = history.subjects["end_date"].dropna()
    candidates = pd.DatetimeIndex(sorted(set(starts) | set(ends)))
    if not len(candidates):
        return cutoff, "the latest date in the data"
    counts = [patients_in_study(history, date) for date in candidates]
    best = candidates[int(np.argmax(counts))]
    return (
        best,
        f"the day the most patients ({max(counts):,}) were in the study: every patient had ended by the data's last date",
    )


def as_of_snapshot(history: TrialHistory, as_of: object, arm_mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The cohort on ``as_of`` as cells of text for ``validate_frame`` (arms mapped when a mapping is given).

    For patients who ended later, ``dropout`` holds what happened (1 withdrew, 0 completed): scoring a
    past date can then be checked against the outcome.
    """
    snapshot = snapshot_as_of(history, as_of).drop(columns=list(derived_columns(history.contract)), errors="ignore")
    if arm_mapping is not None:
        snapshot["treatment_group"] = snapshot["treatment_group"].astype(str).map(dict(arm_mapping))
    text = snapshot.astype(object).where(snapshot.notna(), "")
    return text.astype(str)
