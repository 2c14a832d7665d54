"""A trial history as person-period rows: each patient, each week from enrolment until they leave or the cut-off.

Definitions (as implemented):

* Week k (k = 0, 1, ...) covers study days 7k+1 .. 7k+7; day 1 is the enrolment. Its row describes the
  patient as known at the end of study day 7k (week 0: nothing but who they are), so no row ever sees an
  event dated inside or after its own week (``core.training.period_features``).
* At risk in week k: a patient who ended (withdrew or completed) on study day 7k+1 or later, or an
  ongoing patient followed through the whole week (to day 7k+7 by the data cut-off; a part-week at the
  cut-off is left out rather than counted as a week without dropout).
* ``left``: 1 in the week of a withdrawal (any reason but completion), else 0. Completion ends the rows
  with 0: finishing the trial is not dropping out (the patient is censored there).
* So a withdrawn or completed patient has ceil(end day / 7) rows, an ongoing one floor(followed days / 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.history.events import build_index
from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory, day_numbers
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.training.period_features import PERIOD_FEATURES, period_features

WEEK = 7
LEFT_COLUMN = "left"
WEEK_COLUMN = "week"


@dataclass
class PersonPeriods:
    """The rows of one or more trials: features (float64, ``PERIOD_FEATURES``), the outcome, who and when."""

    features: pd.DataFrame
    left: np.ndarray  # 1: withdrew in this week
    week: np.ndarray
    patient: np.ndarray  # "trial/patient id", unique across pooled trials
    group: np.ndarray  # the cross-validation unit: "trial/site", or the patient when a trial has few sites
    trial: np.ndarray
    withdrew: np.ndarray  # the patient of the row withdrew (at any time)
    ended: np.ndarray  # the patient of the row withdrew or completed (their outcome is known)
    weeks: np.ndarray  # the patient's weeks at risk (their number of rows)
    planned: np.ndarray  # the patient's planned length in days (NaN when not known)

    def __len__(self) -> int:
        return len(self.left)

    def take(self, rows: np.ndarray) -> PersonPeriods:
        return PersonPeriods(
            self.features.iloc[rows].reset_index(drop=True),
            self.left[rows],
            self.week[rows],
            self.patient[rows],
            self.group[rows],
            self.trial[rows],
            self.withdrew[rows],
            self.ended[rows],
            self.weeks[rows],
            self.planned[rows],
        )


def end_and_followed(history: TrialHistory) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each patient's last known study day, whether they ended (withdrew or completed), whether they withdrew."""
    subjects = history.subjects
    start = day_numbers(subjects["enrolment_date"])
    status = subjects["status"].to_numpy()
    ended = np.isin(status, [COMPLETED, WITHDRAWN]) & subjects["end_date"].notna().to_numpy()
    cutoff = day_numbers(np.array([history.data_cutoff()], dtype="datetime64[s]"))[0]
    end = np.where(ended, day_numbers(subjects["end_date"].fillna(history.data_cutoff())) - start + 1, 0)
    followed = np.where(ended, np.maximum(end, 1), cutoff - start + 1)
    return followed.astype(np.int64), ended, status == WITHDRAWN


def weeks_at_risk(history: TrialHistory) -> np.ndarray:
    """How many weeks each patient is at risk (the number of rows they get)."""
    followed, ended, _ = end_and_followed(history)
    return np.where(ended, -(-followed // WEEK), followed // WEEK).clip(min=0)


def _planned(history: TrialHistory) -> np.ndarray:
    """Each patient's planned length in days; without one, the trial's longest follow-up stands in."""
    planned = history.subjects["planned_days"].to_numpy(dtype=float)
    longest = float(end_and_followed(history)[0].max()) if len(planned) else np.nan
    return np.where(np.isfinite(planned), planned, history.planned_length() or longest)


def _groups(history: TrialHistory, codes: np.ndarray, trial: str, min_sites: int = 5) -> np.ndarray:
    ids = history.subjects[ID_COLUMN].astype(str).to_numpy()
    sites = history.subjects[SITE_COLUMN].astype(str).to_numpy() if SITE_COLUMN in history.subjects else None
    if sites is not None and len(np.unique(sites)) >= min_sites:
        return np.char.add(f"{trial}/site/", sites[codes].astype(str))
    return np.char.add(f"{trial}/", ids[codes].astype(str))


def person_periods(
    history: TrialHistory, trial: str = "trial", contacts: pd.DataFrame | None = None, max_weeks: int | None = None
) -> PersonPeriods:
    """Every week each patient of ``history`` was at risk, with the features known at its start.

    ``contacts`` (optional): the outreach log (patient_id, contact_date, outcome) of this trial.
    """
    at_risk = weeks_at_risk(history)
    if max_weeks is not None:
        at_risk = np.minimum(at_risk, max_weeks)
    codes = np.repeat(np.arange(len(at_risk)), at_risk)
    first_row = np.repeat(np.cumsum(at_risk) - at_risk, at_risk)
    week = np.arange(len(codes)) - first_row
    followed, ended, withdrew = end_and_followed(history)
    last_week = -(-followed // WEEK) - 1
    left = (withdrew[codes] & (week == last_week[codes])).astype(np.int64)
    features = period_features(history, build_index(history), codes, week * WEEK, contacts)
    ids = history.subjects[ID_COLUMN].astype(str).to_numpy()
    return PersonPeriods(
        features=features,
        left=left,
        week=week.astype(np.int64),
        patient=np.char.add(f"{trial}/", ids[codes].astype(str)),
        group=_groups(history, codes, trial),
        trial=np.full(len(codes), trial, dtype=object),
        withdrew=withdrew[codes],
        ended=ended[codes],
        weeks=at_risk[codes],
        planned=_planned(history)[codes],
    )


def pooled_periods(parts: Sequence[PersonPeriods]) -> PersonPeriods:
    """Several trials' rows as one set (patients and groups already carry their trial's name)."""
    return PersonPeriods(
        pd.concat([p.features for p in parts], ignore_index=True)[list(PERIOD_FEATURES)],
        np.concatenate([p.left for p in parts]),
        np.concatenate([p.week for p in parts]),
        np.concatenate([p.patient for p in parts]),
        np.concatenate([p.group for p in parts]),
        np.concatenate([p.trial for p in parts]),
        np.concatenate([p.withdrew for p in parts]),
        np.concatenate([p.ended for p in parts]),
        np.concatenate([p.weeks for p in parts]),
        np.concatenate([p.planned for p in parts]),
    )
