"""The feature table: every model feature declared once, with how it is built and how its reason reads.

A feature is built, vectorised, from validated contract columns. Features share a *topic* when one
fact a coordinator recognises drives them (visits attended and visit rate are "attendance"); the
explanation sums their contributions (SHAP values add up) and says the topic in words with the
patient's own values ("79 days since the last visit: raises risk").

Each feature says which model families use it (``used_by``): the bundled generic model (``STANDARD``)
and models trained on one trial's history (``TRIAL``); ``STANDARD_FEATURES`` and ``TRIAL_FEATURES`` are
read from the table, in its order.

A model records the names of its features and its category levels (``core.model.bundle``), so a
model trained on another selection of these features loads, scores and explains itself.
Categories reach the model as integer codes in the model's own level order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Levels = Mapping[str, Sequence[str]]
STANDARD, TRIAL = "standard", "trial"  # the bundled generic model; a model trained on one trial's history


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    inputs: tuple[str, ...]  # the contract fields it reads
    build: Callable[[pd.DataFrame, Levels], np.ndarray]  # validated rows, category levels -> float64 values
    topic: str  # the reason it belongs to
    categorical: bool = False
    monotone: int = 0  # +1: more of it can only raise the risk, -1: only lower it, 0: the model learns the direction
    used_by: tuple[str, ...] = (STANDARD, TRIAL)  # the model families that use it


@dataclass(frozen=True)
class Topic:
    """A reason in words: the patient's own values behind one or more features."""

    name: str
    words: Callable[[pd.DataFrame], pd.Series]  # validated rows -> text per row


def _column(name: str) -> Callable[[pd.DataFrame, Levels], np.ndarray]:
    return lambda valid, levels: valid[name].to_numpy(dtype=float)


def _codes(name: str) -> Callable[[pd.DataFrame, Levels], np.ndarray]:
    def build(valid: pd.DataFrame, levels: Levels) -> np.ndarray:
        values = valid[name]
        if isinstance(values.dtype, pd.CategoricalDtype):  # validated rows: recoding the categories is fast
            codes = values.cat.set_categories(list(levels[name])).cat.codes.to_numpy(dtype=float)
        else:
            codes = pd.Categorical(values, categories=list(levels[name])).codes.astype(float)
        return np.where(codes < 0, np.nan, codes)  # a level the model never saw is missing, not level 0

    return build


def _days(valid: pd.DataFrame) -> np.ndarray:
    return valid["days_in_trial"].to_numpy(dtype=float)


def _per_30_days(name: str) -> Callable[[pd.DataFrame, Levels], np.ndarray]:
    return lambda valid, levels: valid[name].to_numpy(dtype=float) * 30.0 / _days(valid)


FEATURES: tuple[Feature, ...] = (
    Feature("age", "Age in years", ("age",), _column("age"), "age"),
    Feature("gender", "Gender (Male, Female, Other)", ("gender",), _codes("gender"), "gender", categorical=True),
    Feature(
        "treatment_group",
        "Treatment arm",
        ("treatment_group",),
        _codes("treatment_group"),
        "treatment_group",
        categorical=True,
    ),
    Feature(
        "trial_phase",  # one value in a single trial's history, so trial models leave it out
        "Trial phase (I, II, III)",
        ("trial_phase",),
        _codes("trial_phase"),
        "trial_phase",
        categorical=True,
        used_by=(STANDARD,),
    ),
    Feature(
        "days_in_trial",
        "Days since enrollment on the snapshot day",
        ("days_in_trial",),
        _column("days_in_trial"),
        "days_in_trial",
    ),
    Feature(
        "visits_completed",
        "Scheduled visits attended so far",
        ("visits_completed",),
        _column("visits_completed"),
        "attendance",
    ),
    Feature(
        "days_since_last_visit",
        "Days since the last attended visit (days in trial when none attended)",
        ("days_in_trial", "last_visit_day"),
        lambda valid, levels: _days(valid) - valid["last_visit_day"].to_numpy(dtype=float),
        "visit_gap",
        monotone=1,
    ),
    Feature(
        "visits_per_30_days",
        "Visits attended per 30 days in the trial",
        ("visits_completed", "days_in_trial"),
        _per_30_days("visits_completed"),
        "attendance",
        monotone=-1,
    ),
    Feature(
        "visits_missed",
        "Scheduled visits missed so far",
        ("visits_missed",),
        _column("visits_missed"),
        "missed_visits",
        monotone=1,
        used_by=(TRIAL,),
    ),
    Feature(
        "last_gap_in_intervals",
        "Days since the last visit, in the trial's usual visit intervals",
        ("last_gap_in_intervals",),
        _column("last_gap_in_intervals"),
        "visit_gap",
        monotone=1,
        used_by=(TRIAL,),
    ),
    Feature(
        "adverse_events",
        "Adverse events reported so far",
        ("adverse_events",),
        _column("adverse_events"),
        "adverse_events",
    ),
    Feature(
        "adverse_events_per_30_days",
        "Adverse events per 30 days in the trial",
        ("adverse_events", "days_in_trial"),
        _per_30_days("adverse_events"),
        "adverse_events",
    ),
    Feature(
        "adverse_events_last_30_days",
        "Adverse events with onset in the last 30 days",
        ("adverse_events_last_30_days",),
        _column("adverse_events_last_30_days"),
        "recent_adverse_events",
        used_by=(TRIAL,),
    ),
    Feature(
        "serious_adverse_events",
        "Serious adverse events so far",
        ("serious_adverse_events",),
        _column("serious_adverse_events"),
        "serious_adverse_events",
        used_by=(TRIAL,),
    ),
    Feature(
        "severe_adverse_events",
        "Severe adverse events so far",
        ("severe_adverse_events",),
        _column("severe_adverse_events"),
        "severe_adverse_events",
        used_by=(TRIAL,),
    ),
)
FEATURES_BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}
# The event-level features are the trial models' only: the generic model's synthetic world has no event history.
STANDARD_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURES if STANDARD in f.used_by)
TRIAL_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURES if TRIAL in f.used_by)


def _count(values: pd.Series, one: str, many: str) -> pd.Series:
    """ "1 day", "12 days" for each whole number."""
    numbers = values.astype(float).round()
    words = np.where(numbers.to_numpy() == 1, one, many)
    return numbers.fillna(0).astype("int64").astype(str) + " " + pd.Series(words, index=values.index)


def _or_not_recorded(valid: pd.DataFrame, column: str, label: str, words: pd.Series) -> pd.Series:
    """The words, or "<label> not recorded" where the patient's value was left blank."""
    blank = valid[column].isna().to_numpy()
    return pd.Series(np.where(blank, f"{label} not recorded", words.to_numpy()), index=valid.index)


def _numbers(values: pd.Series) -> pd.Series:
    return values.astype(float).round().fillna(0).astype("int64").astype(str)


def _visit_gap(valid: pd.DataFrame) -> pd.Series:
    days = _count(valid["days_in_trial"], "day", "days")
    gap = _count(valid["days_in_trial"] - valid["last_visit_day"], "day", "days")
    none_yet = valid["last_visit_day"].to_numpy() == 0
    return pd.Series(
        np.where(none_yet, "No visit attended in " + days, gap + " since the last visit"), index=valid.index
    )


def _attendance(valid: pd.DataFrame) -> pd.Series:
    days = _count(valid["days_in_trial"], "day", "days")
    # With no visit yet this reads like the visit gap's words, so the two are said once (see core.model.explain).
    none_yet = valid["visits_completed"].to_numpy() == 0
    attended = _count(valid["visits_completed"], "visit", "visits") + " attended in " + days
    return pd.Series(np.where(none_yet, "No visit attended in " + days, attended), index=valid.index)


TOPICS: tuple[Topic, ...] = (
    Topic("visit_gap", _visit_gap),
    Topic("attendance", _attendance),
    Topic(
        "adverse_events",
        lambda v: _or_not_recorded(
            v,
            "adverse_events",
            "Adverse events",
            _count(v["adverse_events"], "adverse event", "adverse events")
            + " in "
            + _count(v["days_in_trial"], "day", "days"),
        ),
    ),
    Topic("age", lambda v: _or_not_recorded(v, "age", "Age", "Age " + _numbers(v["age"]))),
    Topic("treatment_group", lambda v: v["treatment_group"].astype(str) + " arm"),
    Topic("trial_phase", lambda v: v["trial_phase"].astype(str) + " trial"),
    Topic("days_in_trial", lambda v: "Day " + v["days_in_trial"].astype(str) + " of the trial"),
    Topic("gender", lambda v: _or_not_recorded(v, "gender", "Gender", "Gender " + v["gender"].astype(str))),
    Topic(
        "missed_visits",
        lambda v: _or_not_recorded(
            v,
            "visits_missed",
            "Missed visits",
            _count(v["visits_missed"], "scheduled visit", "scheduled visits") + " missed",
        ),
    ),
    Topic(
        "recent_adverse_events",
        lambda v: _or_not_recorded(
            v,
            "adverse_events_last_30_days",
            "Adverse events in the last 30 days",
            _count(v["adverse_events_last_30_days"], "adverse event", "adverse events") + " in the last 30 days",
        ),
    ),
    Topic(
        "serious_adverse_events",
        lambda v: _or_not_recorded(
            v,
            "serious_adverse_events",
            "Serious adverse events",
            _count(v["serious_adverse_events"], "serious adverse event", "serious adverse events") + " so far",
        ),
    ),
    Topic(
        "severe_adverse_events",
        lambda v: _or_not_recorded(
            v,
            "severe_adverse_events",
            "Severe adverse events",
            _count(v["severe_adverse_events"], "severe adverse event", "severe adverse events") + " so far",
        ),
    ),
)
TOPICS_BY_NAME: dict[str, Topic] = {t.name: t for t in TOPICS}


class UnknownFeatureError(KeyError):
    """A model asks for a feature this version of the product cannot build."""


def feature_specs(names: Sequence[str]) -> list[Feature]:
    """The table's entries for these names, in this order."""
    missing = [n for n in names if n not in FEATURES_BY_NAME]
    if missing:
        raise UnknownFeatureError(", ".join(missing))
    return [FEATURES_BY_NAME[n] for n in names]


def build_features(valid: pd.DataFrame, names: Sequence[str], levels: Levels) -> pd.DataFrame:
    """The model's feature frame (float64, columns in ``names`` order; categories as codes, unknown as NaN).

    ``valid`` comes from ``core.reading`` (typed contract columns); ``levels`` are the model's category levels.
    """
    specs = feature_specs(names)
    valid = with_inputs(valid, required_inputs(names))
    return pd.DataFrame({f.name: f.build(valid, levels) for f in specs}, index=valid.index)[list(names)]


def with_inputs(valid: pd.DataFrame, inputs: Sequence[str]) -> pd.DataFrame:
    """``valid`` with every one of ``inputs`` it lacks added as blank (NaN): a file without an optional column
    is a file whose patients left that input blank."""
    absent = [name for name in inputs if name not in valid.columns]
    return valid.assign(**{name: np.nan for name in absent}) if absent else valid


ALL_INPUTS: tuple[str, ...] = tuple(dict.fromkeys(name for f in FEATURES for name in f.inputs))


def required_inputs(names: Sequence[str]) -> tuple[str, ...]:
    """The contract fields a model with these features reads."""
    seen: dict[str, None] = {}
    for spec in feature_specs(names):
        seen.update(dict.fromkeys(spec.inputs))
    return tuple(seen)


def decode_category(levels: Levels, name: str, code: float) -> str:
    """Turn a categorical code back into its label ("unknown" for a missing code)."""
    return str(levels[name][int(code)]) if not np.isnan(code) else "unknown"
