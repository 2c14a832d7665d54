"""The time-varying features of a person-period row, each as known at the end of study day t, never later.

Durations are measured against the trial's own rhythm so that they mean the same in every trial (a model
pooled over a sponsor's trials learns "two usual intervals without a visit", not "40 days"):

* the usual interval u: the median gap between planned visits (SDTM TV) when the trial's schedule is
  known; otherwise the median gap between consecutive attended visits of the same patient among the
  gaps that ended on or before the row's calendar date (other patients' later visits are not known yet);
* ``gap_in_intervals``: days since the last attended visit (since enrolment before any) / u;
* ``missed_in_a_row``: visits missed since the last attended one (listed misses when the history lists
  them, else the visits whose window, half an interval either side, has closed);
* ``visits_per_interval``: attended visits per usual interval so far; ``visit_regularity``: the spread
  (standard deviation) of the patient's own gaps between visits, in usual intervals;
* ``placebo_arm``: the patient's arm is named a placebo (arm names differ between trials; placebo carries);
* ``fraction_elapsed``: t / the patient's planned length; ``week`` and ``log_week``: time in the trial;
* adverse events so far and with onset in the last 28 days, serious and severe ones so far;
* ``days_since_contact`` and ``last_contact_reached``: the outreach log's latest contact on or before the
  row's date and whether the patient was reached (blank without a log or a contact).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.history.events import EventIndex
from core.history.schedule import consecutive_gaps
from core.history.trial_history import TrialHistory, day_numbers
from core.reading.contract import ID_COLUMN

RECENT_DAYS = 28
PERIOD_FEATURES: tuple[str, ...] = (
    "week",
    "log_week",
    "fraction_elapsed",
    "age",
    "is_male",
    "placebo_arm",
    "gap_in_intervals",
    "missed_in_a_row",
    "visits_per_interval",
    "visit_regularity",
    "adverse_events_so_far",
    "adverse_events_last_28_days",
    "serious_adverse_events",
    "severe_adverse_events",
    "days_since_contact",
    "last_contact_reached",
)
# Directions nobody doubts, kept by the LightGBM candidates (+1: more of it never lowers the hazard).
MONOTONE = {"gap_in_intervals": 1, "missed_in_a_row": 1, "visits_per_interval": -1}


def usual_intervals(history: TrialHistory, index: EventIndex, calendar: np.ndarray) -> np.ndarray:
    """The usual visit interval as known on each calendar day number (NaN while no gap is known)."""
    planned = np.diff(np.asarray(history.schedule, dtype=float))
    planned = planned[planned > 0]
    if len(planned):
        return np.full(len(calendar), float(np.median(planned)))
    gaps, _, gap_dates = consecutive_gaps(index.visits)
    order = np.argsort(gap_dates, kind="stable")
    gaps, gap_dates = gaps[order].astype(float), gap_dates[order]
    distinct, inverse = np.unique(calendar, return_inverse=True)
    known = np.searchsorted(gap_dates, distinct, side="right")
    medians = {n: float(np.median(gaps[:n])) for n in np.unique(known) if n > 0}
    return np.array([medians.get(n, np.nan) for n in known])[inverse]


def _own_gap_spread(index: EventIndex, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Standard deviation of each patient's gaps between the attended visits at positions [start, end)."""
    visits = index.visits
    gap = np.diff(visits.days, prepend=0).astype(float)
    gap[np.r_[True, visits.codes[1:] != visits.codes[:-1]]] = 0.0  # a patient's first visit has no gap
    total, squares = np.r_[0.0, np.cumsum(gap)], np.r_[0.0, np.cumsum(gap**2)]
    first_gap = np.minimum(start + 1, end)
    n = (end - first_gap).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (total[end] - total[first_gap]) / n
        variance = (squares[end] - squares[first_gap]) / n - mean**2
    return np.where(n >= 2, np.sqrt(np.maximum(variance, 0.0)), np.nan)


def _contacts(
    history: TrialHistory, contacts: pd.DataFrame | None, codes: np.ndarray, calendar: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Days since the latest contact on or before each row's date, and whether it reached the patient."""
    blank = np.full(len(codes), np.nan)
    if contacts is None or contacts.empty:
        return blank, blank.copy()
    who = pd.Index(history.subjects[ID_COLUMN].astype(str)).get_indexer(contacts["patient_id"].astype(str))
    known = who >= 0
    when = day_numbers(pd.to_datetime(contacts["contact_date"]))[known]
    if not len(when):
        return blank, blank.copy()
    base, span = int(when.min()) - 1, 1 << 22
    keys = who[known].astype(np.int64) * span + (when - base)
    order = np.argsort(keys, kind="stable")
    keys, when = keys[order], when[order]
    reached = (contacts["outcome"].astype(str).to_numpy()[known][order] == "reached").astype(float)
    at = np.searchsorted(keys, codes.astype(np.int64) * span + np.clip(calendar - base, 0, span - 1), side="right") - 1
    safe = np.clip(at, 0, len(keys) - 1)
    own = (at >= 0) & (keys[safe] // span == codes)
    return np.where(own, calendar - when[safe], np.nan), np.where(own, reached[safe], np.nan)


def period_features(
    history: TrialHistory, index: EventIndex, codes: np.ndarray, days: np.ndarray, contacts: pd.DataFrame | None
) -> pd.DataFrame:
    """The features of patients ``codes`` as of the end of their study ``days`` (0: the day before enrolment)."""
    days = np.asarray(days, dtype=np.int64)
    calendar = index.enrolment[codes] + days - 1
    interval = usual_intervals(history, index, calendar)
    span, visits, events = index.span, index.visits, index.adverse_events
    start = visits.upto(codes, np.zeros_like(days), span)
    end = visits.upto(codes, days, span)
    last = np.where(end > start, visits.days[np.maximum(end - 1, 0)], 0) if len(visits.days) else np.zeros_like(days)
    gap = (days - last) / interval
    if history.missed_visits_listed:
        missed = index.missed.count(codes, np.maximum(last, 0) + 1, days, span).astype(float)
    else:
        missed = np.maximum(np.floor(gap - 0.5), 0.0)
    event_start, event_end = events.upto(codes, np.zeros_like(days), span), events.upto(codes, days, span)
    serious, severe = events.flags["serious"], events.flags["severe"]
    subjects = history.subjects
    planned = subjects["planned_days"].to_numpy(dtype=float)[codes]
    gender = subjects["gender"].astype(str).str.lower().to_numpy()[codes]
    since_contact, reached = _contacts(history, contacts, codes, calendar)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = {
            "week": days / 7.0,
            "log_week": np.log1p(days / 7.0),
            "fraction_elapsed": days / planned,
            "age": pd.to_numeric(subjects["age"], errors="coerce").to_numpy(dtype=float)[codes],
            "placebo_arm": subjects["arm"].astype(str).str.contains("placebo", case=False).to_numpy(dtype=float)[codes],
            "is_male": np.where(gender == "male", 1.0, np.where(gender == "female", 0.0, np.nan)),
            "gap_in_intervals": gap,
            "missed_in_a_row": missed,
            "visits_per_interval": np.where(days > 0, (end - start) * interval / np.maximum(days, 1), np.nan),
            "visit_regularity": _own_gap_spread(index, start, end) / interval,
            "adverse_events_so_far": (event_end - event_start).astype(float),
            "adverse_events_last_28_days": (event_end - events.upto(codes, days - RECENT_DAYS, span)).astype(float),
            "serious_adverse_events": (serious[event_end] - serious[event_start]).astype(float),
            "severe_adverse_events": (severe[event_end] - severe[event_start]).astype(float),
            "days_since_contact": since_contact,
            "last_contact_reached": reached,
        }
    return pd.DataFrame({name: np.asarray(values[name], dtype=float) for name in PERIOD_FEATURES})
