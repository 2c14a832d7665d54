"""Nested cross-validation of the hazard model: every figure is for patients whose rows the model never saw.

Outer folds hold out whole groups (sites, or patients in a trial with few sites; or, to learn across
trials, whole trials: ``leave_one_trial_out``). Inside each outer training part, inner folds of whole
groups score every candidate on the person-period rows; each family's best by log loss is fitted on the
whole outer training part and calibrated (Platt) on its own inner out-of-fold log-odds. The held-out
patients are predicted only by the models of the fold that held them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import log_loss

from core.model.predictors import Calibration, fit_calibration, sigmoid
from core.training.candidates import FAMILIES, Candidate, fit
from core.training.folds import assign_folds
from core.training.hazard_model import CANDIDATES, HazardFit, calibrated, survival_model
from core.training.person_period import PersonPeriods

INNER_FOLDS = 3
CHOSEN = "chosen_family"  # in a fold's models: the family its inner log loss chose (the nested choice)
Progress = Callable[[str], None]


@dataclass
class Fold:
    """One outer fold: the rows it held out, the rows it trained on, and each family's fitted model."""

    test: np.ndarray
    train: np.ndarray
    models: dict[str, HazardFit]


def informative(periods: PersonPeriods, names: list[str] | None = None) -> list[str]:
    """The features with at least two known values in these rows (a field the trial never fills informs nothing)."""
    names = list(periods.features.columns) if names is None else names
    return [n for n in names if periods.features[n].dropna().nunique() > 1]


def _inner_log_odds(
    periods: PersonPeriods, rows: np.ndarray, names: list[str], levels: dict, seed: int, families
) -> dict:
    folds = assign_folds(periods.group[rows], INNER_FOLDS, seed)
    X, y = periods.features[names].to_numpy(dtype=float), periods.left
    out = {c.name: np.zeros(len(rows)) for c in CANDIDATES if c.family in families}
    for k in range(INNER_FOLDS):
        train, test = rows[folds != k], rows[folds == k]
        if len(np.unique(y[train])) < 2 or not len(test):
            continue
        for candidate in (c for c in CANDIDATES if c.family in families):
            model = fit(candidate, X[train], y[train], names, levels)
            out[candidate.name][folds == k] = model.log_odds(X[test])
    return out


def fit_chosen(
    periods: PersonPeriods,
    rows: np.ndarray,
    names: list[str],
    seed: int,
    families: tuple[str, ...] = FAMILIES,
    levels: dict[str, list[str]] | None = None,
) -> dict[str, HazardFit]:
    """Each family's best candidate on ``rows`` (inner cross-validated log loss), fitted on them, calibrated."""
    levels = {n: v for n, v in (periods.levels if levels is None else levels).items() if n in names}
    inner = _inner_log_odds(periods, rows, names, levels, seed, families)
    y = periods.left[rows]
    best: dict[str, tuple[float, Candidate, Calibration]] = {}
    for candidate in (c for c in CANDIDATES if c.family in families):
        calibration = fit_calibration(inner[candidate.name], y)
        loss = float(log_loss(y, sigmoid(calibration.apply(inner[candidate.name])), labels=[0, 1]))
        if candidate.family not in best or loss < best[candidate.family][0]:
            best[candidate.family] = (loss, candidate, calibration)
    X = periods.features[names].to_numpy(dtype=float)
    sample = X[rows][np.random.default_rng(seed).permutation(len(rows))[:500]]
    models = {}
    for family, (loss, candidate, calibration) in best.items():
        hazard = calibrated(fit(candidate, X[rows], y, names, levels), calibration)
        survival = survival_model(hazard, periods.planned[rows], periods.week[rows], sample)
        models[family] = HazardFit(family, candidate, calibration, loss, survival)
    return models


def best_fit(models: dict[str, HazardFit]) -> HazardFit:
    """The family with the lower inner log loss (the nested choice of family)."""
    return min(models.values(), key=lambda fitted: fitted.inner_log_loss)


def outer_folds(
    periods: PersonPeriods,
    fold_of: np.ndarray,
    names: list[str],
    progress: Progress,
    levels: dict[str, list[str]] | None = None,
) -> list[Fold]:
    """One ``Fold`` per distinct value of ``fold_of`` (a fold number per row, whole groups together)."""
    folds = []
    values = np.unique(fold_of)
    for i, value in enumerate(values):
        progress(f"fold {i + 1} of {len(values)}")
        test, train = np.flatnonzero(fold_of == value), np.flatnonzero(fold_of != value)
        if len(np.unique(periods.left[train])) < 2:
            continue
        models = fit_chosen(periods, train, names, seed=i, levels=levels)
        folds.append(Fold(test, train, models | {CHOSEN: best_fit(models)}))
    return folds


def site_folds(periods: PersonPeriods, n_folds: int = 5, seed: int = 1000) -> np.ndarray:
    return assign_folds(periods.group, n_folds, seed)


def trial_folds(periods: PersonPeriods) -> np.ndarray:
    """Leave one trial out: each trial is a fold, so a trial's patients are never in its own training."""
    return np.unique(periods.trial.astype(str), return_inverse=True)[1]


def nested(
    periods: PersonPeriods,
    n_folds: int = 5,
    leave_one_trial_out: bool = False,
    progress: Progress = lambda _: None,
    levels: dict[str, list[str]] | None = None,
) -> tuple[list[Fold], list[str]]:
    """The outer folds (site-grouped, or one per trial) with their models, and the features used."""
    names = informative(periods)
    fold_of = trial_folds(periods) if leave_one_trial_out else site_folds(periods, n_folds)
    return outer_folds(periods, fold_of, names, progress, levels), names
