"""A trial history as person-period rows: each patient, each week from enrolment until they leave or the cut-off.

Definitions (as implemented):

* Rows are the trial's snapshots on study days 1, 7, 14, 21, ... (``core.history.landmarks``: the patients
  still in the study that day, each with what was known at the end of it), read through the same contract,
  validation and feature table as an uploaded file. So the weekly model sees a patient exactly as scoring
  will, and a row never sees an event dated after its own day.
* The row of day d covers the days after it up to the next snapshot day (week ``d // 7``). At risk: a patient
  whose ending came after day d, or an ongoing patient followed through the whole coming week (a part-week at
  the cut-off is left out rather than counted as a week without dropout).
* ``left``: 1 in the week the patient dropped out as the outcome definition counts it
  (``core.history.endings``; by default retention dropouts). Any other ending (completion, an adverse event,
  death ...) ends the patient's rows with 0: the patient is censored there (a cause-specific hazard, the
  other endings being competing risks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.history.as_of import derived_columns, trial_arms
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition, outcome_labels
from core.history.events import EventIndex, build_index
from core.history.landmarks import LANDMARK_COLUMN, followed_to, in_study, landmark_snapshots
from core.history.schedule import consecutive_gaps, missed_visits
from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory
from core.model.features import TRIAL_FEATURES, build_features, feature_specs
from core.model.time_model import DAYS_PER_WEEK
from core.reading.contract import ID_COLUMN, SITE_COLUMN, Contract
from core.reading.tables import ROW_NUMBER
from core.reading.validation import SOURCE_ROW, validate_frame
from core.training.folds import group_labels


@dataclass
class PersonPeriods:
    """The rows of one or more trials: features (float64), the outcome, who and when."""

    features: pd.DataFrame
    left: np.ndarray  # 1: dropped out in this week
    week: np.ndarray
    day: np.ndarray  # the row's study day (what was known at its end)
    patient: np.ndarray  # "trial/patient id", unique across pooled trials
    group: np.ndarray  # the cross-validation unit: "trial/site", or the patient when a trial has few sites
    trial: np.ndarray
    withdrew: np.ndarray  # the patient of the row dropped out (at any time, as the definition counts)
    ended: np.ndarray  # the patient's ending is known (dropped out, completed or ended another way)
    weeks: np.ndarray  # the patient's weeks at risk (to the end of their last row's week)
    planned: np.ndarray  # the patient's planned length in days
    levels: dict[str, list[str]] = field(default_factory=dict)  # the category levels the features are coded with

    def __len__(self) -> int:
        return len(self.left)

    def take(self, rows: np.ndarray) -> PersonPeriods:
        arrays = {name: getattr(self, name)[rows] for name in _ARRAYS}
        return PersonPeriods(features=self.features.iloc[rows].reset_index(drop=True), levels=self.levels, **arrays)


_ARRAYS = ("left", "week", "day", "patient", "group", "trial", "withdrew", "ended", "weeks", "planned")


def snapshot_days(history: TrialHistory) -> list[int]:
    """Study days 1, 7, 14, ... up to the longest follow-up."""
    longest = int(np.nanmax(followed_to(history))) if len(history.subjects) else 0
    return [1, *range(int(DAYS_PER_WEEK), longest + 1, int(DAYS_PER_WEEK))] if longest >= 1 else []


def next_snapshot(day: np.ndarray | int) -> np.ndarray:
    """The snapshot day after ``day`` (1 -> 7, then a week on): the end of the row's week."""
    day = np.asarray(day)
    return np.where(day == 1, DAYS_PER_WEEK, day + DAYS_PER_WEEK)


def _at_risk(history: TrialHistory, days: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """For each snapshot row (in ``landmark_snapshots``' order): the patient's code, and whether the row is at risk."""
    followed = followed_to(history)
    ended = history.subjects["status"].isin([COMPLETED, WITHDRAWN]).to_numpy()
    codes, keep = [], []
    for day in days:
        who = in_study(followed, ended, day)
        codes.append(who)
        keep.append(ended[who] | (followed[who] >= next_snapshot(day)))
    if not codes:
        return np.array([], dtype=np.int64), np.array([], dtype=bool)
    return np.concatenate(codes), np.concatenate(keep)


def usual_intervals(index: EventIndex, calendar: np.ndarray) -> np.ndarray:
    """The usual visit interval as known on each calendar day number: the median of the gaps between visits that
    had ended by that date (NaN while none had). The landmark snapshots count by study day instead, which would
    let a row see the gaps of patients enrolled later."""
    gaps, _, gap_dates = consecutive_gaps(index.visits)
    order = np.argsort(gap_dates, kind="stable")
    gaps, gap_dates = gaps[order].astype(float), gap_dates[order]
    distinct, inverse = np.unique(calendar, return_inverse=True)
    known = np.searchsorted(gap_dates, distinct, side="right")
    medians = {n: float(np.median(gaps[:n])) for n in np.unique(known) if n > 0}
    return np.array([medians.get(n, np.nan) for n in known])[inverse]


def _as_known_on_the_day(history: TrialHistory, index: EventIndex, snapshot: pd.DataFrame, codes: np.ndarray) -> None:
    """The interval-based columns of ``snapshot`` recomputed with the interval known on each row's calendar date."""
    days = snapshot[LANDMARK_COLUMN].to_numpy(dtype=np.int64)
    interval = usual_intervals(index, index.enrolment[codes] + days - 1)
    since = days - snapshot["last_visit_day"].to_numpy(dtype=float)
    snapshot["last_gap_in_intervals"] = since / interval
    missed = np.full(len(codes), np.nan)
    for value in pd.unique(interval):  # one count per interval known (NaN once: none known yet)
        unknown = bool(np.isnan(value))
        rows = np.isnan(interval) if unknown else interval == value
        missed[rows] = missed_visits(
            index,
            codes[rows],
            days[rows],
            listed=history.missed_visits_listed,
            planned=history.schedule,
            interval=None if unknown else float(value),
        )
    snapshot["visits_missed"] = missed


def _validated(cells: pd.DataFrame, contract: Contract) -> tuple[pd.DataFrame, np.ndarray]:
    """Each day's snapshot validated on its own; the rows kept and their positions in ``cells``."""
    mapping = {name: name for name in contract.names if name in cells.columns}
    parts, positions = [], []
    for day, snapshot in cells.groupby(LANDMARK_COLUMN, sort=False):
        # The rows' positions in ``cells`` as their "row numbers", so the kept rows say where they came from.
        numbered = snapshot.set_axis(pd.Index(snapshot.index, name=ROW_NUMBER))
        result = validate_frame(numbered, mapping, contract, f"week of day {day}")
        parts.append(result.valid)
        positions.append(result.valid[SOURCE_ROW].to_numpy(dtype=np.int64))
    if not parts:
        return pd.DataFrame(columns=list(contract.names)), np.array([], dtype=np.int64)
    return pd.concat(parts, ignore_index=True), np.concatenate(positions)


def person_periods(
    history: TrialHistory,
    trial: str = "trial",
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
    feature_names: Sequence[str] = TRIAL_FEATURES,
    levels: dict[str, list[str]] | None = None,
) -> PersonPeriods:
    """Every week each patient of ``history`` was at risk, with the features known at its start.

    ``levels``: the category levels the features code with (default: the trial's own arm names)."""
    # The trial's contract, its optional fields left optional: in the first weeks no visit interval is known yet,
    # so the gap in intervals and missed visits are blank (the model learns from blanks as scoring meets them).
    contract = history.contract.cohort.with_levels({"treatment_group": trial_arms(history)})
    if levels is None:
        levels = {f.name: list(contract[f.name].levels) for f in feature_specs(feature_names) if f.categorical}
    days = snapshot_days(history)
    index = build_index(history)
    snapshot = landmark_snapshots(history, days, index, definition=outcome) if days else pd.DataFrame()
    codes, keep = _at_risk(history, days)
    if len(snapshot):
        _as_known_on_the_day(history, index, snapshot, codes)
    snapshot = snapshot.drop(columns=list(derived_columns(history.contract)), errors="ignore").iloc[keep]
    codes = codes[keep]
    cells = snapshot.astype(object).where(snapshot.notna(), "").astype(str).reset_index(drop=True)
    valid, rows = _validated(cells, contract) if len(cells) else (pd.DataFrame(), np.array([], dtype=np.int64))
    codes = codes[rows]
    day = (
        pd.to_numeric(cells[LANDMARK_COLUMN], errors="coerce").to_numpy()[rows].astype(np.int64) if len(rows) else rows
    )
    features = build_features(valid, list(feature_names), levels)
    return _assembled(history, trial, outcome, valid, codes, day, features, levels)


def _assembled(
    history: TrialHistory,
    trial: str,
    outcome: OutcomeDefinition,
    valid: pd.DataFrame,
    codes: np.ndarray,
    day: np.ndarray,
    features: pd.DataFrame,
    levels: dict[str, list[str]],
) -> PersonPeriods:
    followed = followed_to(history)
    labels = outcome_labels(history.subjects, outcome)
    counted = np.nan_to_num(labels, nan=0.0) == 1.0
    known = ~np.isnan(labels)
    left = (counted[codes] & (followed[codes] <= next_snapshot(day))).astype(np.int64)
    ids = history.subjects[ID_COLUMN].astype(str).to_numpy()[codes].astype(str)
    sites = valid[SITE_COLUMN] if SITE_COLUMN in valid else None
    groups, _ = group_labels(pd.Series(ids), sites)
    week = (day // DAYS_PER_WEEK).astype(np.int64)
    last_week = np.full(len(history.subjects), -1, dtype=np.int64)
    np.maximum.at(last_week, codes, week)
    return PersonPeriods(
        features=features.reset_index(drop=True),
        left=left,
        week=week,
        day=day,
        patient=np.char.add(f"{trial}/", ids),
        group=np.char.add(f"{trial}/", groups.astype(str)),
        trial=np.full(len(codes), trial, dtype=object),
        withdrew=counted[codes],
        ended=known[codes],
        weeks=last_week[codes] + 1,
        planned=planned_days(history)[codes],
        levels=dict(levels),
    )


def planned_days(history: TrialHistory) -> np.ndarray:
    """Each patient's planned length in days; without one, the trial's, else its longest follow-up."""
    planned = history.subjects["planned_days"].to_numpy(dtype=float)
    longest = float(np.nanmax(followed_to(history))) if len(planned) else np.nan
    return np.where(np.isfinite(planned), planned, history.planned_length() or longest)


def pooled_periods(parts: Sequence[PersonPeriods]) -> PersonPeriods:
    """Several trials' rows as one set (patients and groups already carry their trial's name)."""
    names = [n for n in parts[0].features.columns if all(n in p.features.columns for p in parts)]
    arrays = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _ARRAYS}
    return PersonPeriods(
        features=pd.concat([p.features[names] for p in parts], ignore_index=True),
        levels={name: levels for name, levels in parts[0].levels.items() if name in names},
        **arrays,
    )
