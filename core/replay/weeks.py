"""The weekly loop: every week from the start to the data cut-off, the history cut as it stood that day, the
model retrained on that cut at a cadence, and every ongoing patient scored with what was known that day.

What each week keeps per patient (``WEEK_COLUMNS``): the model's probability (blank when the model may not
judge the patient, or the patient's row could not be read), the days since their last visit and whether
they missed their last scheduled visit (what the coordinators' rules read). Flags are decided later
(``core.replay.calls``): the same weeks serve every capacity and every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.decisions.bands import FACTORY_BANDS, RiskBand
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.landmarks import snapshot_as_of
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.replay.cut import history_as_of
from core.replay.scorers import Trainer
from core.scoring.trial_as_of import score_history
from core.training.landmark_data import TrainingRefused, landmark_data

WEEK = pd.Timedelta(days=7)
WEEK_COLUMNS = [ID_COLUMN, SITE_COLUMN, "probability", "days_since_last_visit", "missed_last_visit"]
MISSED_WINDOW = 1.5  # an open gap of 1.5 usual intervals holds a visit whose window has closed (core.history.schedule)
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Week:
    """One replayed week: the day, the model that scored it, and its ongoing patients (``WEEK_COLUMNS``)."""

    day: pd.Timestamp
    model: str
    threshold: float  # the scoring model's default threshold (used when the replay gives none)
    patients: pd.DataFrame


def missed_last_visit(cut: TrialHistory, snapshot: pd.DataFrame) -> np.ndarray:
    """Whether each patient of the snapshot missed their last scheduled visit, as known on the cut's day: the gap
    since their last attended visit has passed a scheduled visit's window (1.5 usual visit intervals), or, when
    the history lists missed visits, their latest visit row is a missed one."""
    gap = snapshot["last_gap_in_intervals"].to_numpy(dtype=float)
    missed = np.nan_to_num(gap, nan=0.0) >= MISSED_WINDOW
    if cut.missed_visits_listed:
        visits = cut.visits.sort_values("visit_date", kind="stable")
        latest = visits.groupby(ID_COLUMN, sort=False)["attended"].last()
        missed |= ~snapshot[ID_COLUMN].astype(str).map(latest).fillna(True).astype(bool).to_numpy()
    return missed


def score_week(cut: TrialHistory, day: pd.Timestamp, bundle: ModelBundle, bands: tuple[RiskBand, ...]) -> Week:
    """The ongoing patients of ``cut`` on ``day``, scored by ``bundle`` the way the product scores a history."""
    snapshot = snapshot_as_of(cut, day)
    patients = pd.DataFrame(
        {
            ID_COLUMN: snapshot[ID_COLUMN].astype(str).to_numpy(),
            SITE_COLUMN: snapshot[SITE_COLUMN].astype(str).to_numpy(),
            "days_since_last_visit": snapshot["days_since_last_visit"].to_numpy(dtype=float),
            "missed_last_visit": missed_last_visit(cut, snapshot),
        }
    )
    if len(patients):
        scored = score_history(cut, {}, "replay", day, bundle, bands).scored
        chance = pd.Series(scored["probability"].to_numpy(dtype=float), index=scored[ID_COLUMN].astype(str))
        patients["probability"] = patients[ID_COLUMN].map(chance[~chance.index.duplicated()]).to_numpy(dtype=float)
    else:
        patients["probability"] = np.empty(0)
    return Week(pd.Timestamp(day), bundle.version, bundle.default_threshold, patients[WEEK_COLUMNS])


def first_trainable_day(history: TrialHistory, outcome: OutcomeDefinition = DEFAULT_OUTCOME) -> pd.Timestamp | None:
    """The first week (counted from the first enrolment) whose cut history can train a model; None if none.

    A binary search over the weeks: the cut only grows, so once a week can train, later ones can too.
    """
    days = replay_days(history, None)
    low, high, found = 0, len(days) - 1, None
    while low <= high:
        middle = (low + high) // 2
        try:
            landmark_data(history_as_of(history, days[middle]), outcome=outcome)
        except TrainingRefused:
            low = middle + 1
            continue
        found, high = days[middle], middle - 1
    return found


def replay_days(
    history: TrialHistory, start: pd.Timestamp | None, end: pd.Timestamp | None = None
) -> list[pd.Timestamp]:
    """Every seventh day from ``start`` (default: a week after the first enrolment) to ``end`` (default: the
    data cut-off)."""
    first = pd.Timestamp(history.subjects["enrolment_date"].min()).normalize() + WEEK
    begin = first if start is None else pd.Timestamp(start).normalize()
    last = history.data_cutoff().normalize() if end is None else min(pd.Timestamp(end), history.data_cutoff())
    return list(pd.date_range(begin, last.normalize(), freq="7D"))


def replay_weeks(
    history: TrialHistory,
    trainer: Trainer,
    fallback: ModelBundle,
    start: pd.Timestamp | None = None,
    retrain_weeks: int = 4,
    bands: tuple[RiskBand, ...] = FACTORY_BANDS,
    progress: Progress = lambda fraction, words: None,
    end: pd.Timestamp | None = None,
) -> list[Week]:
    """Score every week from ``start`` to ``end`` (default: the cut-off), retraining every ``retrain_weeks``
    weeks on the cut."""
    if retrain_weeks < 1:
        raise ValueError("the model is retrained every 1 week or more")
    days = replay_days(history, start, end)
    model, weeks = fallback, []
    for number, day in enumerate(days):
        cut = history_as_of(history, day)
        if number % retrain_weeks == 0:
            progress(number / max(len(days), 1), f"Week of {day.date()}: training on what was known that day")
            model = trainer(cut, day) or model  # too little known yet: the model in use carries on
        weeks.append(score_week(cut, day, model, bands))
    progress(1.0, "Done")
    return weeks
