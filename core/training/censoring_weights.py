"""Inverse probability of censoring weights (IPCW) for landmark rows cut off while patients are still in the trial.

At an interim cut-off, a patient still ongoing has no label and no training row. Dropping them is not
neutral: a patient who ends early is more likely to have ended by the cut-off than one who ends late,
so the kept rows over-represent early endings (on a trial cut mid-way, early withdrawals), and a model
trained on them over-predicts for the patients still in the trial.

At each landmark day t, among the patients in the study that day, the chance of still being followed
(not yet cut off) s days on is the Kaplan-Meier curve G_t of the censoring times (an ongoing patient is
censored on the day the data cut-off reaches; an ended patient is followed to their ending). A patient
whose ending on day T is known stands for 1 / G_t(T-) patients like them: their row gets that weight, and
every fit, calibration, figure and threshold uses it. A history with no ongoing patient has every weight
1. Weights are capped at ``MAX_WEIGHT`` so that one late ending cannot dominate (a little bias for much
less variance).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.history.landmarks import LANDMARK_COLUMN, default_landmarks, followed_to, in_study
from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory
from core.reading.contract import ID_COLUMN

MAX_WEIGHT = 20.0
WEIGHT_COLUMN = "censoring_weight"


def known_until(times: np.ndarray, censored: np.ndarray, start: int) -> np.ndarray:
    """G(T-) for each time: the Kaplan-Meier chance of not being censored before it, from day ``start``.

    Censorings on the same day as an ending come after it (the ending was seen), so G is taken just
    before each time."""
    censor_days = np.unique(times[censored])
    censor_days = censor_days[censor_days >= start]
    if not len(censor_days):
        return np.ones(len(times))
    sorted_times = np.sort(times)
    at_risk = len(times) - np.searchsorted(sorted_times, censor_days, side="left")
    censored_on = np.searchsorted(np.sort(times[censored]), censor_days, side="right") - np.searchsorted(
        np.sort(times[censored]), censor_days, side="left"
    )
    survival = np.cumprod(1.0 - censored_on / np.maximum(at_risk, 1))
    before = np.searchsorted(censor_days, times, side="left")  # censoring days strictly before each time
    return np.where(before > 0, survival[np.maximum(before - 1, 0)], 1.0)


def censoring_weights(history: TrialHistory, landmarks: Sequence[int] | None = None) -> pd.DataFrame:
    """patient_id, landmark_day and censoring_weight of every patient with a known ending at each landmark."""
    days = list(landmarks) if landmarks is not None else default_landmarks(history)
    followed = followed_to(history)
    ended = history.subjects["status"].isin([COMPLETED, WITHDRAWN]).to_numpy()
    ids = history.subjects[ID_COLUMN].astype(str).to_numpy()
    parts = []
    for day in days:
        who = in_study(followed, ended, day)
        if not len(who):
            continue
        chance = known_until(followed[who], ~ended[who], day)
        known = ended[who]
        weight = np.minimum(1.0 / np.maximum(chance[known], 1e-9), MAX_WEIGHT)
        parts.append(pd.DataFrame({ID_COLUMN: ids[who][known], LANDMARK_COLUMN: day, WEIGHT_COLUMN: weight}))
    if not parts:
        return pd.DataFrame({ID_COLUMN: [], LANDMARK_COLUMN: [], WEIGHT_COLUMN: []})
    return pd.concat(parts, ignore_index=True)


def row_weights(history: TrialHistory, rows: pd.DataFrame) -> np.ndarray:
    """The censoring weight of each landmark row (patient, landmark day) of ``rows``; 1 where none applies."""
    days = sorted(int(d) for d in pd.unique(rows[LANDMARK_COLUMN]))
    table = censoring_weights(history, days)
    keys = pd.DataFrame(
        {ID_COLUMN: rows[ID_COLUMN].astype(str).to_numpy(), LANDMARK_COLUMN: rows[LANDMARK_COLUMN].astype(int)}
    )
    table = table.astype({ID_COLUMN: str, LANDMARK_COLUMN: int})
    merged = keys.merge(table, how="left", on=[ID_COLUMN, LANDMARK_COLUMN])
    return merged[WEIGHT_COLUMN].fillna(1.0).to_numpy(dtype=float)


def weighted_rows(p: np.ndarray, y: np.ndarray, w: np.ndarray, steps: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Rows repeated in proportion to their weight (in quarter steps), for the counts of the cost curves that
    take whole patients (the cost-optimal threshold); unchanged when every weight is 1."""
    if np.all(w == 1.0):
        return p, y
    times = np.maximum(np.round(w * steps), 1).astype(int)
    return np.repeat(p, times), np.repeat(y, times)
