"""The time-to-dropout family beside the landmark families in a trial's training, measured on the same footing.

The weekly hazard learns from every week of every patient (``core.training.person_period``: day 1 on, so
the earliest dropouts too) and reads the same contract features as the landmark models. Nested, grouped
cross-validation as theirs: the outer folds hold out the same whole sites (or patients), the hazard family is
chosen by inner log loss inside each fold and calibrated there. Its figure is then taken on the landmark
models' own rows (each patient on day 28, 56 ...): the held-out chance of leaving before the planned end,
so the per-landmark headline, the baseline, the model in use and the recommendation treat all families
alike. Per horizon (4, 8, 12 weeks) it also has the time figures of ``core.training.hazard_evaluation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.history.trial_history import TrialHistory
from core.model.time_model import DAYS_PER_WEEK, HORIZONS, SurvivalModel
from core.training.cross_validation import Chosen
from core.training.folds import assign_folds
from core.training.hazard_cv import CHOSEN, Fold, best_fit, fit_chosen, informative
from core.training.hazard_evaluation import per_horizon
from core.training.landmark_data import LandmarkData
from core.training.person_period import PersonPeriods, person_periods

TIME = "time_to_dropout"
FOLD_SEED = 1000
FINAL_SEED = 7


@dataclass
class TimeFamily:
    """The time family's held-out chances on the landmark rows, its figures per horizon, and its final model."""

    probability: np.ndarray  # chance of leaving before the planned end, one per landmark row (held out)
    model: SurvivalModel
    chosen: Chosen
    family: str  # the hazard family chosen on every row (LightGBM or logistic regression)
    per_horizon: dict[str, Any]
    fold_choices: list[str]
    rows: int
    patients: int
    weeks_with_dropout: int


def fold_of_groups(groups: np.ndarray, n_folds: int, seed: int = FOLD_SEED) -> dict[str, int]:
    """A fold per group label (whole sites or patients), so two row sets of one trial split alike."""
    labels = np.unique(groups.astype(str))
    return dict(zip(labels.tolist(), assign_folds(labels, n_folds, seed).tolist(), strict=True))


def _periods(history: TrialHistory, data: LandmarkData) -> PersonPeriods:
    return person_periods(history, "", data.outcome, data.feature_names, data.levels)


def train_time_family(
    history: TrialHistory,
    data: LandmarkData,
    n_folds: int = 5,
    n_boot: int = 100,
    horizons: tuple[int, ...] = HORIZONS,
    progress: Callable[[str], None] = lambda _: None,
) -> TimeFamily:
    """Cross-validate the weekly hazard on ``history`` with the folds of ``data``'s groups, and fit it on all."""
    periods = _periods(history, data)
    names = informative(periods, [n for n in data.feature_names if n in periods.features.columns])
    landmark_groups = data.groups.astype(str)
    period_groups = np.array([g.split("/", 1)[-1] for g in periods.group.astype(str)])
    fold = fold_of_groups(np.concatenate([landmark_groups, period_groups]), n_folds)
    period_fold = np.array([fold[g] for g in period_groups])
    landmark_fold = np.array([fold[g] for g in landmark_groups])
    X_landmark = data.features[names].to_numpy(dtype=float)
    probability = np.full(len(data.y), np.nan)
    folds, choices = [], []
    for k in range(n_folds):
        progress(f"time to dropout, fold {k + 1} of {n_folds}")
        train, test = np.flatnonzero(period_fold != k), np.flatnonzero(period_fold == k)
        if len(np.unique(periods.left[train])) < 2:
            continue
        models = fit_chosen(periods, train, names, seed=k, levels=data.levels)
        chosen = best_fit(models)
        choices.append(chosen.candidate.name)
        folds.append(Fold(test, train, models | {CHOSEN: chosen}))
        rows = landmark_fold == k
        probability[rows] = chosen.model.probability(X_landmark[rows])
    progress("time to dropout, fitted on every patient")
    final = best_fit(fit_chosen(periods, np.arange(len(periods)), names, seed=FINAL_SEED, levels=data.levels))
    figures = {str(h): per_horizon(periods, folds, CHOSEN, h, n_boot) for h in horizons}
    return TimeFamily(
        probability=probability,
        model=final.model,
        chosen=Chosen(final.candidate, final.calibration, final.inner_log_loss),
        family=final.family,
        per_horizon=figures,
        fold_choices=choices,
        rows=len(periods),
        patients=len(np.unique(periods.patient)),
        weeks_with_dropout=int(periods.left.sum()),
    )


def time_card_section(
    model: SurvivalModel, landmark_days: np.ndarray, found: TimeFamily | None = None
) -> dict[str, Any]:
    """What a time-to-dropout version's card adds: the days it covers (from day 1), how it reads time, and (from a
    cross-validated training, ``found``) its held-out figures per horizon."""
    last_day = int(model.longest_weeks * DAYS_PER_WEEK)
    section: dict[str, Any] = {
        "horizons_weeks": list(HORIZONS),
        "planned_days": round(model.planned_days, 1),
        "longest_weeks": model.longest_weeks,
        "in_words": (
            "A weekly hazard learned from every week of every patient from day 1. The chance of leaving "
            "within N weeks is one minus the survival over the next N weeks; the risk the threshold and "
            f"costs read is the chance of leaving before the planned end (day {model.planned_days:.0f}). "
            "Other endings (completion, or those the outcome definition does not count) end a patient's "
            "weeks without a dropout (competing risks, not counted as dropping out)."
        ),
    }
    if found is not None:
        section |= {
            "hazard_family": found.family,
            "person_period_rows": found.rows,
            "patients": found.patients,
            "weeks_with_a_dropout": found.weeks_with_dropout,
            "fold_choices": found.fold_choices,
            "per_horizon": found.per_horizon,
        }
    return {
        "covers": {"days_in_trial": [1, last_day], "landmark_days": sorted(int(d) for d in np.unique(landmark_days))},
        "time_to_dropout": section,
    }
