"""A trial scored by the weekly hazard model as of a calendar date: each patient's chance of leaving within N weeks.

Every patient enrolled on or before the date and not yet ended is scored from what was known at the end of
that day (``core.training.period_features``), so a patient in their first week is covered too. Columns
follow the naming shared with the call list and exports: ``chance_within_{N}_weeks`` (0 to 1). The frame
is ranked by the chance within ``rank_by`` weeks (the first horizon unless said), highest first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.history.events import build_index
from core.history.trial_history import TrialHistory, day_numbers
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.training.hazard_model import HORIZONS, HazardModel, horizon_column
from core.training.period_features import period_features


def in_trial_on(history: TrialHistory, date: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the patients in the trial on ``date`` and their study day that day."""
    today = day_numbers(np.array([date], dtype="datetime64[s]"))[0]
    subjects = history.subjects
    start = day_numbers(subjects["enrolment_date"])
    no_end = subjects["end_date"].isna().to_numpy()
    end = day_numbers(subjects["end_date"].fillna(date))
    codes = np.flatnonzero((start <= today) & (no_end | (end > today)))
    return codes, (today - start[codes] + 1).astype(np.int64)


def hazard_scores(
    history: TrialHistory,
    model: HazardModel,
    as_of: object | None = None,
    horizons: tuple[int, ...] = HORIZONS,
    rank_by: int | None = None,
    contacts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per patient in the trial on ``as_of`` (default: the data cut-off), with the chance of leaving
    within each horizon, ranked by the chance within ``rank_by`` weeks."""
    date = pd.Timestamp(as_of) if as_of is not None else history.data_cutoff()
    codes, days = in_trial_on(history, date)
    features = period_features(history, build_index(history), codes, days, contacts)
    planned = history.subjects["planned_days"].to_numpy(dtype=float)[codes]
    chances = model.chances(features, horizons, planned)
    subjects = history.subjects.iloc[codes].reset_index(drop=True)
    frame = pd.DataFrame({ID_COLUMN: subjects[ID_COLUMN].astype(str), "days_in_trial": days})
    if SITE_COLUMN in subjects:
        frame.insert(1, SITE_COLUMN, subjects[SITE_COLUMN].astype(str))
    frame = pd.concat([frame, chances.reset_index(drop=True)], axis=1)
    order = horizon_column(rank_by if rank_by is not None else horizons[0])
    return frame.sort_values(order, ascending=False, kind="stable").reset_index(drop=True)
