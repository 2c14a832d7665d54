"""Temporal validation of a trial history: patients enrolled before a date train, those enrolled on or after
it are tested, on outcomes that came later.

Training sees the history as it stood the day before the date (``core.replay.cut``): only patients enrolled
before it, only what was recorded by then, no outcome not yet known. So nothing dated on or after the date
reaches the model. The model is today's trial training (``core.replay.scorers.trial_trainer``). The tested
patients are scored through the product's one scoring path at each landmark day they reached, and judged on
what happened to them later; intervals resample whole patients (``core.scoring.outcomes``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.decisions.bands import RiskBand
from core.decisions.policy import Policy
from core.history.as_of import derived_columns
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition, outcome_labels
from core.history.landmarks import LANDMARK_COLUMN, default_landmarks, landmark_snapshots
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN
from core.replay.cut import history_as_of
from core.replay.scorers import Trainer, trial_trainer
from core.scoring.cohort import ScoredCohort, score_snapshot
from core.scoring.outcomes import OutcomeEvaluation, evaluate_outcomes
from core.stats.metrics import metric_summary
from core.training.landmark_data import MIN_EACH_OUTCOME, MIN_PATIENTS, TrainingRefused, landmark_data

MIN_TEST_PATIENTS = 30
MIN_TEST_DROPOUTS = 5
ROW_MARK = " at day "  # a tested patient's row at one landmark day: "P-001 at day 56"


class ValidationRefused(ValueError):
    """The split leaves too little on one side; the message says how many there are."""


@dataclass(frozen=True)
class TemporalSplit:
    """Who trains and who is tested, split by enrolment date."""

    date: pd.Timestamp
    training: TrialHistory  # the history as it stood the day before ``date``, its patients enrolled before it
    tested: TrialHistory  # the patients enrolled on or after ``date``, with everything later known of them
    outcome: OutcomeDefinition = DEFAULT_OUTCOME  # what counts as dropout, on both sides

    def counts(self) -> dict[str, int]:
        def dropouts(history: TrialHistory) -> int:
            return int(np.nansum(outcome_labels(history.subjects, self.outcome)))

        return {
            "trained_patients": len(self.training.subjects),
            "trained_dropouts": dropouts(self.training),
            "tested_patients": len(self.tested.subjects),
            "tested_dropouts": dropouts(self.tested),
        }


@dataclass(frozen=True)
class TemporalValidation:
    split: TemporalSplit
    bundle: ModelBundle  # the model trained on the earlier patients
    cohort: ScoredCohort  # the tested patients, one row per patient per landmark day reached
    evaluation: OutcomeEvaluation  # judged by patient: the rows of one patient resample together
    policy: Policy  # the policy the evaluation's markers are drawn at

    def in_words(self) -> list[str]:
        c, day = self.split.counts(), self.split.date.date()
        first = self.split.training.subjects["enrolment_date"].min()
        last = self.split.tested.subjects["enrolment_date"].max()
        return [
            f"Out-of-time test: the model learned from the {c['trained_patients']:,} patients enrolled from "
            f"{first.date()} to before {day} ({c['trained_dropouts']:,} dropped out by then), seeing only what was "
            f"recorded before {day}.",
            f"It was tested on the {c['tested_patients']:,} patients enrolled from {day} to {last.date()} "
            f"({c['tested_dropouts']:,} dropped out), scored at each landmark day they reached and judged on what "
            "happened to them later. None of them was in the data the model learned from.",
        ]


def split_by_enrolment(
    history: TrialHistory, date: object, outcome: OutcomeDefinition = DEFAULT_OUTCOME
) -> TemporalSplit:
    """The training history (as it stood the day before ``date``) and the tested patients; refused with the
    counts when either side is too small."""
    day = pd.Timestamp(date).normalize()
    training = history_as_of(history, day - pd.Timedelta(days=1))
    later = history.subjects["enrolment_date"] >= day
    ids = set(history.subjects.loc[later, "patient_id"])
    tested = replace(
        history,
        subjects=history.subjects[later].copy(),
        visits=history.visits[history.visits["patient_id"].isin(ids)],
        adverse_events=history.adverse_events[history.adverse_events["patient_id"].isin(ids)],
    )
    split = TemporalSplit(day, training, tested, outcome)
    _refuse_small(split)
    return split


def _refuse_small(split: TemporalSplit) -> None:
    c, day = split.counts(), split.date.date()
    problems = []
    if c["trained_patients"] < MIN_PATIENTS or c["trained_dropouts"] < MIN_EACH_OUTCOME:
        problems.append(
            f"{c['trained_patients']:,} patients enrolled before {day} with {c['trained_dropouts']:,} dropouts "
            f"known by then (training needs at least {MIN_PATIENTS} patients and {MIN_EACH_OUTCOME} dropouts)"
        )
    if c["tested_patients"] < MIN_TEST_PATIENTS or c["tested_dropouts"] < MIN_TEST_DROPOUTS:
        problems.append(
            f"{c['tested_patients']:,} patients enrolled on or after {day} with {c['tested_dropouts']:,} dropouts "
            f"(the test needs at least {MIN_TEST_PATIENTS} patients and {MIN_TEST_DROPOUTS} dropouts)"
        )
    if problems:
        counted = split.outcome.words.split(":")[0]  # "retention dropout" or "any discontinuation"
        raise ValidationRefused(
            "cannot validate: "
            + "; and ".join(problems)
            + f" (dropouts counted as {counted}). Choose another date"
            + (", or count any discontinuation as dropout." if split.outcome.name != "any" else ".")
        )


def _landmark_cells(full: TrialHistory, tested: TrialHistory, outcome: OutcomeDefinition) -> pd.DataFrame:
    """The tested patients at each landmark day they reached, as cells of text (one row id per patient-day)."""
    frame = landmark_snapshots(tested, default_landmarks(full), definition=outcome)
    frame = frame.drop(columns=list(derived_columns(full.contract)), errors="ignore")
    ids = frame[ID_COLUMN].astype(str) + ROW_MARK + frame[LANDMARK_COLUMN].astype(int).astype(str)
    frame = frame.drop(columns=[LANDMARK_COLUMN]).assign(**{ID_COLUMN: ids})
    return frame.astype(object).where(frame.notna(), "").astype(str)


def patient_of(row_ids: pd.Series) -> pd.Series:
    """The patient a landmark row belongs to ("P-001 at day 56" -> "P-001")."""
    return row_ids.astype(str).str.rsplit(ROW_MARK, n=1).str[0]


def temporal_validation(
    history: TrialHistory,
    date: object,
    label: str,
    policy: Policy,
    bands: tuple[RiskBand, ...],
    trainer: Trainer | None = None,
    n_boot: int = 200,
    digest: str = "",
    own_threshold: bool = False,
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
) -> TemporalValidation:
    """Train on the patients enrolled before ``date``, test on those enrolled on or after it (``digest``: the
    SHA-256 of the history's files, for the report's stamp; ``own_threshold``: the trained model's default
    threshold replaces the policy's; ``outcome``: what counts as dropout, in training and in the test alike)."""
    split = split_by_enrolment(history, date, outcome)
    try:
        landmark_data(split.training, outcome=outcome)  # its refusal says what the early patients lack, in plain words
    except TrainingRefused as exc:
        raise ValidationRefused(f"cannot train on the patients enrolled before {split.date.date()}: {exc}") from None
    bundle = (trainer or trial_trainer(policy.costs, outcome=outcome))(
        split.training, split.date - pd.Timedelta(days=1)
    )
    if bundle is None:
        raise ValidationRefused(f"cannot train on the patients enrolled before {split.date.date()}")
    if own_threshold:
        policy = replace(policy, threshold=bundle.default_threshold)
    cells = _landmark_cells(history, split.tested, outcome)
    cohort = score_snapshot(cells, f"{label}, enrolled from {split.date.date()}", digest or "not given", bundle, bands)
    by_patient = cohort.scored.assign(**{ID_COLUMN: patient_of(cohort.scored[ID_COLUMN])})
    evaluation = evaluate_outcomes(replace(cohort, scored=by_patient), policy, bundle, n_boot=n_boot)
    if evaluation is None:
        raise ValidationRefused("the tested patients' landmark rows do not hold both outcomes")
    return TemporalValidation(split, bundle, cohort, evaluation, policy)


def by_landmark_day(validation: TemporalValidation, n_boot: int = 200) -> dict[int, dict]:
    """The out-of-time figures at each landmark day where both outcomes occur (how it ranks one moment's
    patients), with intervals over resampled patients."""
    y, p, row_ids = judged_rows(validation, patients=False)
    days = pd.Series(row_ids).str.rsplit(ROW_MARK, n=1).str[1].astype(int).to_numpy()
    figures = {}
    for day in np.unique(days):
        at = days == day
        if len(np.unique(y[at])) == 2:
            figures[int(day)] = metric_summary(y[at], p[at], n_boot=n_boot)
    return figures


def judged_rows(validation: TemporalValidation, patients: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome, estimate and patient (or the row's own id) of every judged landmark row of the tested patients."""
    rows = validation.cohort.scored
    rows = rows[rows[OUTCOME_COLUMN].notna() & rows["probability"].notna()]
    return (
        rows[OUTCOME_COLUMN].to_numpy(dtype=int),
        rows["probability"].to_numpy(dtype=float),
        (patient_of(rows[ID_COLUMN]) if patients else rows[ID_COLUMN].astype(str)).to_numpy(),
    )
