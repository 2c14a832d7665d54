"""Landmark snapshots of a trial history: the cohort as it stood on study day t, labelled by what came later.

Definitions (as implemented):

* Study day: day 1 is the patient's enrolment (reference start) date; an event on date d is on
  study day (d - start).days + 1.
* In the study on day t: enrolled, and either completed or withdrawn with the disposition on a study
  day after t, or ongoing and followed to at least day t. An ongoing patient is followed to the
  data cut-off (``TrialHistory.data_cutoff``: as given, or the latest date in the history).
* Features use only events on or before day t (visits, adverse events; the usual visit interval
  from gaps that end by day t). ``days_in_trial`` is t.
* Event columns at day t: ``visits_completed`` attended visits on days 1..t; ``last_visit_day`` the
  study day of the last of them (0: none); ``days_since_last_visit`` t - last_visit_day;
  ``visits_per_30_days`` visits_completed / t * 30; ``visits_missed`` scheduled visits missed by day t
  (``core.history.schedule``); ``last_gap_in_intervals`` days_since_last_visit / the usual visit
  interval at day t; ``adverse_events`` onsets on days 1..t; ``adverse_events_last_30_days`` onsets on
  days t-29..t; ``serious_adverse_events`` and ``severe_adverse_events`` so far.
* Label ``dropout``: by the outcome definition (``core.history.endings``): 1 if the patient later ended
  in a way it counts (by default here any withdrawal; training passes the user's choice, retention
  dropouts by default), 0 for completion or an ending it does not count, empty (NaN) while ongoing.
* Subject columns: every subject column of the history contract that the cohort contract also declares
  (``HistoryContract.carried``: patient, site, age, gender, arm as treatment_group, phase as
  trial_phase, and any input added to both) is carried into every row.
* Default landmarks: every 28 days up to the planned length (the longest ``planned_days``; without
  one, the longest follow-up of any patient).
* As of a calendar date: every patient enrolled on or before it and not yet ended (no end date, or
  one after it), with days_in_trial = (as_of - enrolment).days + 1 and events up to that date.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.history.columns import HistoryContract
from core.history.contracts import HISTORY
from core.history.endings import ANY_DISCONTINUATION, OutcomeDefinition, outcome_labels
from core.history.events import EventIndex, build_index
from core.history.schedule import consecutive_gaps, missed_visits, usual_interval
from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory, day_numbers
from core.reading.contract import OUTCOME_COLUMN

LANDMARK_STEP = 28
LANDMARK_COLUMN = "landmark_day"
RECENT_DAYS = 30  # "adverse events in the last 30 days", "visits per 30 days"
# The cohort columns counted from the events, after the subject columns the history contract carries.
COUNTED_COLUMNS = ["days_in_trial", "visits_completed", "last_visit_day", "adverse_events", OUTCOME_COLUMN]
EVENT_COLUMNS = [
    "visits_per_30_days",
    "days_since_last_visit",
    "visits_missed",
    "last_gap_in_intervals",
    "adverse_events_last_30_days",
    "serious_adverse_events",
    "severe_adverse_events",
]


def cohort_columns(contract: HistoryContract = HISTORY) -> list[str]:
    """The cohort columns of a snapshot row: the carried subject columns, then the counted ones."""
    return [*contract.carried().values(), *COUNTED_COLUMNS]


COHORT_COLUMNS = cohort_columns()


def default_landmarks(history: TrialHistory, step: int = LANDMARK_STEP) -> list[int]:
    """Every ``step`` days up to the planned length, or, without one, the longest follow-up."""
    length = history.planned_length()
    if length is None:
        length = int(np.nanmax(followed_to(history))) if len(history.subjects) else 0
    return list(range(step, length + 1, step))


def _end_days(history: TrialHistory) -> np.ndarray:
    """Study day of each patient's disposition (NaN while ongoing)."""
    subjects = history.subjects
    start = day_numbers(subjects["enrolment_date"])
    end = day_numbers(subjects["end_date"]).astype(np.float64)
    end[subjects["end_date"].isna().to_numpy()] = np.nan
    return end - start + 1


def followed_to(history: TrialHistory) -> np.ndarray:
    """The last study day each patient is known about: the disposition, or the data cut-off while ongoing."""
    start = day_numbers(history.subjects["enrolment_date"])
    cutoff = day_numbers(np.array([history.data_cutoff()], dtype="datetime64[s]"))[0]
    ended = history.subjects["status"].isin([COMPLETED, WITHDRAWN]).to_numpy()
    return np.where(ended, _end_days(history), cutoff - start + 1)


def _labels(history: TrialHistory, definition: OutcomeDefinition = ANY_DISCONTINUATION) -> np.ndarray:
    return outcome_labels(history.subjects, definition)


def _features(
    history: TrialHistory,
    index: EventIndex,
    codes: np.ndarray,
    days: np.ndarray,
    interval: float | None,
    labels: np.ndarray,
) -> dict[str, np.ndarray]:
    """The event columns of patients ``codes`` as of their study ``days`` (arrays, in the frame's order)."""
    span = index.span
    visits, events = index.visits, index.adverse_events
    start = visits.upto(codes, np.zeros_like(days), span)
    end = visits.upto(codes, days, span)
    attended = end - start
    # No visits at all (every visit row set aside): no last visit day to look up, only zeros.
    last = np.where(end > start, visits.days[np.maximum(end - 1, 0)], 0) if len(visits.days) else np.zeros_like(days)
    event_start = events.upto(codes, np.zeros_like(days), span)
    event_end = events.upto(codes, days, span)
    since = days - last
    serious, severe = events.flags["serious"], events.flags["severe"]
    return {
        "days_in_trial": days,
        "visits_completed": attended,
        "last_visit_day": last,
        "adverse_events": event_end - event_start,
        OUTCOME_COLUMN: labels[codes],
        "visits_per_30_days": attended / days * RECENT_DAYS,
        "days_since_last_visit": since,
        "visits_missed": missed_visits(
            index, codes, days, listed=history.missed_visits_listed, planned=history.schedule, interval=interval
        ),
        "last_gap_in_intervals": since / interval if interval else np.full(len(codes), np.nan),
        "adverse_events_last_30_days": event_end - events.upto(codes, days - RECENT_DAYS, span),
        "serious_adverse_events": serious[event_end] - serious[event_start],
        "severe_adverse_events": severe[event_end] - severe[event_start],
    }


def _columns(history: TrialHistory) -> list[str]:
    return [LANDMARK_COLUMN, *cohort_columns(history.contract), *EVENT_COLUMNS]


def _frame(history: TrialHistory, codes: np.ndarray, parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Subject columns taken once for all rows (strings are not copied row by row), then the event columns."""
    carried = history.contract.carried()
    frame = history.subjects[list(carried)].take(codes).rename(columns=carried)
    frame = frame.reset_index(drop=True)
    for name in parts[0] if parts else []:
        frame[name] = np.concatenate([part[name] for part in parts])
    return frame[[c for c in _columns(history) if c in frame]]


def in_study(followed: np.ndarray, ended: np.ndarray, day: int) -> np.ndarray:
    """Codes of the patients in the study on ``day``: disposition after it, or ongoing and followed to it."""
    return np.flatnonzero(np.where(ended, followed > day, followed >= day))


def visit_interval_at(history: TrialHistory, day: int, index: EventIndex | None = None) -> float | None:
    """The trial's usual visit interval as known on study day ``day`` (median gap of gaps ending by then)."""
    gaps, gap_days, _ = consecutive_gaps((index or build_index(history)).visits)
    return usual_interval(gaps, gap_days, day)


def snapshot_at(history: TrialHistory, day: int, index: EventIndex | None = None) -> pd.DataFrame:
    """The landmark snapshot on study day ``day``: one row per patient still in the study that day."""
    return landmark_snapshots(history, [day], index)


def landmark_snapshots(
    history: TrialHistory,
    landmarks: Sequence[int] | None = None,
    index: EventIndex | None = None,
    definition: OutcomeDefinition = ANY_DISCONTINUATION,
) -> pd.DataFrame:
    """One long frame: the snapshot at each landmark day (default: ``default_landmarks``), with ``landmark_day``,
    labelled by ``definition`` (training passes the one the user chose)."""
    days = list(landmarks) if landmarks is not None else default_landmarks(history)
    index = index or build_index(history)
    followed, labels = followed_to(history), _labels(history, definition)
    ended = history.subjects["status"].isin([COMPLETED, WITHDRAWN]).to_numpy()
    codes, parts = [], []
    for day in days:  # a loop over landmarks, never over patients
        who = in_study(followed, ended, day)
        at = np.full(len(who), day, dtype=np.int64)
        interval = visit_interval_at(history, day, index)
        codes.append(who)
        parts.append({LANDMARK_COLUMN: at} | _features(history, index, who, at, interval, labels))
    frame = _frame(history, np.concatenate(codes) if codes else np.array([], dtype=np.int64), parts)
    return frame if parts else pd.DataFrame(columns=_columns(history))


def snapshot_as_of(history: TrialHistory, as_of: object | None = None) -> pd.DataFrame:
    """The patients in the study on calendar date ``as_of`` (default: the data cut-off), with their features.

    A patient unseen for a long time is still a patient: their long gap is what the features show.
    """
    date = pd.Timestamp(as_of) if as_of is not None else history.data_cutoff()
    today = day_numbers(np.array([date], dtype="datetime64[s]"))[0]
    subjects = history.subjects
    start = day_numbers(subjects["enrolment_date"])
    end = day_numbers(subjects["end_date"])
    no_end = subjects["end_date"].isna().to_numpy()
    codes = np.flatnonzero((start <= today) & (no_end | (end > today)))
    index = build_index(history)
    gaps, _, gap_dates = consecutive_gaps(index.visits)
    interval = usual_interval(gaps, gap_dates, today)
    days = (today - start[codes] + 1).astype(np.int64)
    return _frame(history, codes, [_features(history, index, codes, days, interval, _labels(history))])
