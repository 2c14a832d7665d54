"""Learn from one trial's own history: nested cross-validation, honest comparisons, two finished models.

Steps: the landmark rows, labelled by the outcome definition and weighted for censoring
(``landmark_data``); nested cross-validated predictions of both model families and of the family each
outer fold chose (``cross_validation``), of the fixed six-feature logistic baseline, and of the model in
use on the patients it never trained on (``training_patients``); the figures (``trial_evaluation``); a
learning curve for the recommended family; finally each family's chosen candidate fitted on every row,
with the calibration chosen inside its own folds.
Nothing is written here: ``trial_versions`` writes the result, so a failed or cancelled training
leaves every model on disk as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition, outcome_section
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.model.predictors import LinearModel, Predictor, TreeModel
from core.training import trial_evaluation as evaluation
from core.training.candidates import FAMILIES, LIGHTGBM, LOGISTIC, Candidate
from core.training.cross_validation import (
    SELECTED,
    Chosen,
    Design,
    best_family,
    choose,
    fixed_out_of_fold,
    nested_out_of_fold,
)
from core.training.in_use_scores import in_use_probability, trained_on_same_history
from core.training.landmark_data import LandmarkData, landmark_cells, landmark_data
from core.training.time_family import TIME, TimeFamily, train_time_family
from core.training.training_patients import seen_in_training, too_few_unseen

# The simple baseline a trial model must beat: six facts any trial records, a plain logistic regression.
BASELINE_FEATURES = (
    "days_in_trial",
    "age",
    "days_since_last_visit",
    "visits_per_30_days",
    "adverse_events",
    "adverse_events_last_30_days",
)
BASELINE = Candidate("Logistic regression on six simple facts", LOGISTIC, {"c": 1.0})
FAMILY_WORDS = {
    LIGHTGBM: "LightGBM",
    LOGISTIC: "Logistic regression",
    SELECTED: "the family chosen in each fold",
    TIME: "Time to dropout (weekly hazard)",
}
SMALL_TRIAL = 1000  # below this many patients, cross-validation is repeated so the intervals mean something
FINAL_SEED = 0

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class TrainingOptions:
    n_folds: int = 5
    repeats: int | None = None  # None: 3 below SMALL_TRIAL patients, else 1
    n_boot: int = 200
    costs: CostSettings = FACTORY_COSTS
    learning_curve: bool = True
    outcome: OutcomeDefinition = DEFAULT_OUTCOME  # which endings count as dropout (core.history.endings)
    time_to_dropout: bool = True  # also the weekly hazard family (core.training.time_family)


@dataclass(frozen=True)
class TrainingSource:
    """What was trained on, as the card records it."""

    trial: str
    files: tuple[str, ...]
    sha256: str
    synthetic: bool = False


@dataclass
class TrainingRun:
    data: LandmarkData
    source: TrainingSource
    options: TrainingOptions
    repeats: int
    probability: dict[str, np.ndarray]  # cross-validated, per family, plus "baseline" and "model_in_use"
    results: dict[str, dict[str, Any]]
    models: dict[str, Predictor]
    chosen: dict[str, Chosen]
    fold_choices: list[dict[str, str]]
    recommendation: dict[str, Any]
    comparisons: dict[str, Any]
    learning_curve: dict[str, Any] = field(default_factory=dict)
    model_in_use: dict[str, Any] = field(default_factory=dict)
    outcome: dict[str, Any] = field(default_factory=dict)  # the outcome definition and patients per reason
    time_family: TimeFamily | None = None  # the weekly hazard's own figures (per horizon) and model


class _Steps:
    """Turns 'one more step done' into the fraction and words the progress bar shows."""

    def __init__(self, total: int, progress: Progress) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def __call__(self, words: str) -> None:
        self.progress(min(self.done / self.total, 1.0), words)
        self.done += 1


def design_of(data: LandmarkData, names: list[str]) -> Design:
    """The landmark rows as a training design on the features ``names``."""
    X = data.features[names].to_numpy(dtype=float)
    return Design(X, data.y, data.groups, names, {n: v for n, v in data.levels.items() if n in names}, data.w)


def final_model(design: Design, pick: Chosen) -> Predictor:
    """The chosen candidate fitted on every row of ``design``, with the calibration chosen inside its folds."""
    model = design.fit(pick.candidate, np.arange(len(design.y)))
    if isinstance(model, TreeModel):
        return TreeModel(model.booster, pick.calibration)
    assert isinstance(model, LinearModel)
    return replace(model, calibration=pick.calibration)


def in_use_on_unseen(
    bundle: ModelBundle | None, history: TrialHistory, data: LandmarkData, source: TrainingSource
) -> tuple[np.ndarray, dict[str, Any]]:
    """The model in use's probability on the rows of patients it never trained on (NaN elsewhere), and what
    was done; all NaN, with the reason, when too few such patients remain for a fair comparison."""
    nothing = np.full(len(data.y), np.nan)
    if bundle is None:
        return nothing, {}
    about = {"version": bundle.version, "synthetic": bundle.synthetic}
    seen = seen_in_training(bundle.card, data.patients)
    if seen is None:
        if trained_on_same_history(bundle, source.sha256):
            return nothing, about | {"left_out": "it was trained on this same history, so its figures would flatter it"}
        seen = np.zeros(len(data.y), dtype=bool)
        about["training_patients"] = "not recorded in its card; it was trained on other files"
    probability = np.array(in_use_probability(bundle, landmark_cells(history, outcome=data.outcome), data.valid))
    probability[seen] = np.nan
    seen_patients = len(np.unique(data.patients[seen]))
    about |= {"patients_it_trained_on_left_out": seen_patients}
    why = too_few_unseen(data.y, data.patients, np.isfinite(probability))
    if why:
        return nothing, about | {"left_out": why}
    unseen = len(np.unique(data.patients[np.isfinite(probability)]))
    return probability, about | {"rows_scored": int(np.isfinite(probability).sum()), "patients_scored": unseen}


def _summary(data: LandmarkData, p: np.ndarray, n_boot: int) -> dict[str, Any]:
    """Figures by landmark day, rows weighted by censoring, intervals resampling what the folds hold out."""
    return evaluation.summary_by_landmark(data.y, p, data.groups, data.landmark_days, n_boot, data.w)


def _compare(data: LandmarkData, first: np.ndarray, second: np.ndarray, n_boot: int) -> dict[str, Any]:
    return evaluation.compare(data.y, first, second, data.groups, data.landmark_days, n_boot, data.w)


def results_of(run_probability: dict[str, np.ndarray], data: LandmarkData, n_boot: int) -> dict[str, dict[str, Any]]:
    results = {}
    for name, p in run_probability.items():
        if np.isfinite(p).sum() and len(np.unique(data.y[np.isfinite(p)])) == 2:
            results[name] = _summary(data, p, n_boot)
            results[name]["calibration"] = evaluation.calibration_of(data.y, p, data.w)
    return results


def comparisons_of(probability: dict[str, np.ndarray], data: LandmarkData, n_boot: int) -> dict[str, Any]:
    """Each family (and the nested choice of family) against the baseline and the model in use: paired
    differences in ROC AUC, day by day and as the mean over landmark days, on the rows both scored."""
    out: dict[str, Any] = {}
    for family in (LIGHTGBM, LOGISTIC, SELECTED, TIME):
        if family not in probability:
            continue
        for other in ("baseline", "model_in_use"):
            both = np.isfinite(probability[other])
            if both.any() and len(np.unique(data.y[both])) == 2:
                difference = _compare(data, probability[family], probability[other], n_boot)
                if difference:
                    out[f"{family}_minus_{other}"] = difference
    return out


def train_history(
    history: TrialHistory,
    source: TrainingSource,
    options: TrainingOptions = TrainingOptions(),
    model_in_use: ModelBundle | None = None,
    progress: Progress = lambda fraction, words: None,
) -> TrainingRun:
    """Train on ``history``; raises core.training.landmark_data.TrainingRefused when it cannot support a model."""
    progress(0.0, "Reading the landmark rows")
    data = landmark_data(history, outcome=options.outcome)
    patients = len(np.unique(data.patients))
    repeats = options.repeats or (3 if patients < SMALL_TRIAL else 1)
    folds = options.n_folds * repeats
    time_steps = options.n_folds + 1 if options.time_to_dropout else 0
    steps = _Steps(folds * (2 if options.learning_curve else 1) + time_steps + 5, progress)
    design = design_of(data, data.feature_names)
    cross_validated = nested_out_of_fold(design, options.n_folds, repeats, lambda w: steps(f"Cross-validating: {w}"))
    probability = dict(cross_validated.probability)
    time_family = None
    if options.time_to_dropout:
        time_family = train_time_family(history, data, options.n_folds, options.n_boot // 2, progress=steps)
        probability[TIME] = time_family.probability
    steps("Scoring the baseline and the model in use on the same rows")
    baseline_names = [name for name in BASELINE_FEATURES if name in data.feature_names]
    probability["baseline"] = fixed_out_of_fold(design_of(data, baseline_names), BASELINE, options.n_folds, repeats)
    probability["model_in_use"], in_use = in_use_on_unseen(model_in_use, history, data, source)
    steps("Measuring")
    results = results_of(probability, data, options.n_boot)
    comparisons = comparisons_of(probability, data, options.n_boot)
    difference = _compare(data, probability[LIGHTGBM], probability[LOGISTIC], options.n_boot)
    versus_in_use = {
        f: comparisons[f"{f}_minus_model_in_use"]
        for f in (*FAMILIES, SELECTED, TIME)
        if f"{f}_minus_model_in_use" in comparisons
    }
    steps("Choosing the family on every patient, as each outer fold chose it")
    chosen = choose(design, np.arange(len(data.y)), seed=FINAL_SEED)
    landmark_best = best_family(chosen)
    recommendation = _recommendation(results, difference, versus_in_use, landmark_best)
    curve = {}
    if options.learning_curve:
        half = nested_out_of_fold(
            design, options.n_folds, repeats, lambda w: steps(f"Learning curve: {w}"), 0.5, (landmark_best,)
        )
        curve = {
            "family": landmark_best,
            "half_of_the_patients": _summary(data, half.probability[landmark_best], options.n_boot)["summary"],
            "all_patients": results[landmark_best]["summary"],
        }
    steps("Fitting the final models on every patient")
    models = {family: final_model(design, pick) for family, pick in chosen.items()}
    if time_family is not None:
        models[TIME], chosen[TIME] = time_family.model, time_family.chosen
    steps("Done")
    progress(1.0, "Done")
    return TrainingRun(
        data,
        source,
        options,
        repeats,
        probability,
        results,
        models,
        chosen,
        cross_validated.choices,
        recommendation,
        comparisons,
        curve,
        in_use,
        outcome_section(history.subjects, options.outcome, set(data.patients)),
        time_family,
    )


def _recommendation(
    results: dict[str, dict[str, Any]],
    difference: dict[str, Any],
    versus_in_use: dict[str, dict[str, Any]],
    landmark_best: str,
) -> dict[str, Any]:
    """The landmark families' nested choice, unless the time family's per-landmark figure is higher."""
    found = evaluation.recommend(
        results, FAMILIES, FAMILY_WORDS, difference, versus_in_use, best=landmark_best, selected=SELECTED
    )
    if TIME in results and evaluation.headline_auc(results, TIME) > evaluation.headline_auc(results, SELECTED):
        found = evaluation.recommend(results, (TIME, SELECTED), FAMILY_WORDS, difference, versus_in_use, best=TIME)
    return found
