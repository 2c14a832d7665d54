"""One time-to-dropout model learned from several trials at once, measured by leaving one whole trial out.

What a sponsor's new trial would get from its earlier trials: the weekly hazard (``core.training.hazard_cv``)
on the person-period rows of every trial, on the features that carry across trials (``SHARED_FEATURES``:
durations and counts, not the arm names each trial gives its own way). Each trial's figures come from the
model fitted on the other trials only (its family chosen by inner log loss on their rows, calibrated there),
scored on that trial's landmark rows as the product scores a file (blank inputs averaged over training rows),
beside that trial's own simple baseline (the six-fact logistic, cross-validated on its own patients) and the
model in use on the patients it never trained on. Per trial, not pooled: trials differ in base rate, and a
pooled figure would also rank the trials. The final model is fitted on every row of every trial.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.history.trial_history import TrialHistory
from core.model import gaps
from core.model.features import build_features
from core.model.time_model import HORIZONS, SurvivalModel
from core.training.cross_validation import Chosen, fixed_out_of_fold
from core.training.hazard_cv import CHOSEN, Fold, best_fit, fit_chosen, informative
from core.training.hazard_evaluation import per_horizon
from core.training.hazard_training import SHARED_FEATURES
from core.training.landmark_data import LandmarkData, landmark_data
from core.training.person_period import PersonPeriods, person_periods, pooled_periods
from core.training.time_family import TIME
from core.training.trial_training import (
    BASELINE,
    BASELINE_FEATURES,
    SMALL_TRIAL,
    TrainingOptions,
    TrainingSource,
    comparisons_of,
    design_of,
    in_use_on_unseen,
    results_of,
)

FINAL_SEED = 7
DEFAULT_OPTIONS = TrainingOptions()
Progress = Callable[[str], None]
Z95 = 1.959964


@dataclass
class HeldOutTrial:
    """One trial scored by the model trained on the other trials, beside its own baseline and the model in use."""

    source: TrainingSource
    history: TrialHistory
    data: LandmarkData  # its landmark rows on the shared features
    probability: dict[str, np.ndarray]  # TIME (trained on the other trials), "baseline", "model_in_use"
    results: dict[str, dict[str, Any]]
    comparisons: dict[str, Any]
    model_in_use: dict[str, Any]
    per_horizon: dict[str, Any]
    chosen: str  # the candidate the other trials' rows chose
    trained_on: list[str]  # the other trials
    training_patients: int  # patients of the other trials (none of this trial's)

    @property
    def name(self) -> str:
        return self.source.trial


@dataclass
class PooledRun:
    trials: list[HeldOutTrial]
    options: TrainingOptions
    model: SurvivalModel
    chosen: Chosen
    family: str
    feature_names: list[str]
    levels: dict[str, list[str]]
    periods: PersonPeriods  # every trial's weekly rows (patients carry their trial's name)
    headline: dict[str, Any]


def _person_periods(sources: Sequence[tuple[TrainingSource, TrialHistory]], options: TrainingOptions) -> PersonPeriods:
    parts = [person_periods(history, source.trial, options.outcome, SHARED_FEATURES) for source, history in sources]
    return pooled_periods(parts)


def training_rows(periods: PersonPeriods, trial: str) -> np.ndarray:
    """The rows a model measured on ``trial`` may learn from: every other trial's, none of its own."""
    return np.flatnonzero(periods.trial.astype(str) != trial)


def _landmark_features(data: LandmarkData, names: list[str], levels: dict[str, list[str]]) -> pd.DataFrame:
    return build_features(data.valid, names, levels)


def _held_out(
    source: TrainingSource,
    history: TrialHistory,
    data: LandmarkData,
    run: tuple[PersonPeriods, list[str], np.ndarray | None],
    options: TrainingOptions,
    model_in_use: Any,
    seed: int,
) -> HeldOutTrial:
    periods, names, sample = run
    train = training_rows(periods, source.trial)
    models = fit_chosen(periods, train, names, seed=seed)
    chosen = best_fit(models)
    X = _landmark_features(data, names, periods.levels).to_numpy(dtype=float)
    repeats = options.repeats or (3 if len(np.unique(data.patients)) < SMALL_TRIAL else 1)
    baseline_names = [name for name in BASELINE_FEATURES if name in data.feature_names]
    probability = {
        TIME: gaps.probability(chosen.model, X, sample),
        "baseline": fixed_out_of_fold(design_of(data, baseline_names), BASELINE, options.n_folds, repeats),
    }
    probability["model_in_use"], in_use = in_use_on_unseen(model_in_use, history, data, source)
    own = np.flatnonzero(periods.trial.astype(str) == source.trial)
    alone = periods.take(own)
    folds = [Fold(np.arange(len(alone)), np.array([], dtype=np.int64), models | {CHOSEN: chosen})]
    return HeldOutTrial(
        source=source,
        history=history,
        data=data,
        probability=probability,
        results=results_of(probability, data, options.n_boot),
        comparisons=comparisons_of(probability, data, options.n_boot),
        model_in_use=in_use,
        per_horizon={str(h): per_horizon(alone, folds, CHOSEN, h, options.n_boot // 2) for h in HORIZONS},
        chosen=chosen.candidate.name,
        trained_on=sorted(set(periods.trial[train].astype(str))),
        training_patients=len(np.unique(periods.patient[train])),
    )


def mean_over_trials(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean of the trials' ROC AUC figures; its 95% interval from theirs, the trials being independent
    samples (each trial's standard error read off its own interval, a normal approximation)."""
    values = np.array([f["value"] for f in figures], dtype=float)
    errors = np.array([(f["ci95"][1] - f["ci95"][0]) / (2 * Z95) for f in figures], dtype=float)
    centre = float(values.mean())
    half = Z95 * float(np.sqrt((errors**2).sum())) / len(values)
    return {"value": round(centre, 4), "ci95": [round(centre - half, 4), round(centre + half, 4)]}


def headline_of(trials: list[HeldOutTrial]) -> dict[str, Any]:
    figures = [t.results[TIME]["per_landmark"]["roc_auc"] for t in trials if TIME in t.results]
    return {
        "roc_auc": mean_over_trials(figures),
        "trials": {t.name: t.results[TIME]["per_landmark"]["roc_auc"] for t in trials if TIME in t.results},
        "n": int(sum(t.results[TIME]["per_landmark"].get("n", 0) for t in trials if TIME in t.results)),
    }


def train_pooled(
    sources: Sequence[tuple[TrainingSource, TrialHistory]],
    options: TrainingOptions = DEFAULT_OPTIONS,
    model_in_use: Any = None,
    progress: Progress = lambda _: None,
) -> PooledRun:
    """Learn from every trial of ``sources`` (source, history); each measured by the model trained on the others.

    Raises core.training.landmark_data.TrainingRefused when a trial cannot be measured (too few patients)."""
    if len({source.trial for source, _ in sources}) != len(sources) or len(sources) < 2:
        raise ValueError("pooled training needs at least two trials with different names")
    progress("Reading every trial's weekly rows and landmark rows")
    periods = _person_periods(sources, options)
    names = informative(periods)
    datas = [landmark_data(history, feature_names=SHARED_FEATURES, outcome=options.outcome) for _, history in sources]
    trials = []
    for i, ((source, history), data) in enumerate(zip(sources, datas, strict=True)):
        progress(f"{source.trial}: scored by the model trained on the other trials")
        others = pd.concat(
            [_landmark_features(d, names, periods.levels) for j, d in enumerate(datas) if j != i], ignore_index=True
        )
        sample = gaps.as_array(gaps.sample_rows(others), len(names))
        trials.append(_held_out(source, history, data, (periods, names, sample), options, model_in_use, seed=i))
    progress("The final model on every trial's rows")
    final = best_fit(fit_chosen(periods, np.arange(len(periods)), names, seed=FINAL_SEED))
    return PooledRun(
        trials=trials,
        options=options,
        model=final.model,
        chosen=Chosen(final.candidate, final.calibration, final.inner_log_loss),
        family=final.family,
        feature_names=names,
        levels={n: v for n, v in periods.levels.items() if n in names},
        periods=periods,
        headline=headline_of(trials),
    )
