"""A model's figures on the real trials that ship in data/, beside each trial's own references.

For each trial and outcome definition: the model scored on every landmark row exactly as a training compares
the model in use (``core.training.trial_training.in_use_on_unseen``: only patients it never trained on), the
trial's own logistic regression (nested site-grouped cross-validation, 3 repeats below 1,000 patients) and
the six-fact baseline cross-validated the same way; ROC AUC by landmark day (mean of each day's, 95% interval
resampling whole sites), then each day's. The same rows and figures ``python -m core.cli.train --history``
prints for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from core.history.endings import ANY_DISCONTINUATION, DEFAULT_OUTCOME, OutcomeDefinition
from core.history.reader import files_sha256, history_files, read_history
from core.model.bundle import ModelBundle
from core.paths import DATA_DIR
from core.training.candidates import LOGISTIC
from core.training.cross_validation import fixed_out_of_fold, nested_out_of_fold
from core.training.landmark_data import landmark_data
from core.training.trial_training import (
    BASELINE,
    BASELINE_FEATURES,
    SMALL_TRIAL,
    TrainingSource,
    design_of,
    in_use_on_unseen,
    results_of,
)

REAL_TRIALS = {"CDISC Pilot 01": DATA_DIR / "cdiscpilot01", "CTN-0030": DATA_DIR / "ctn0030"}
OUTCOMES = (DEFAULT_OUTCOME, ANY_DISCONTINUATION)
LABELS = {"model_in_use": "this model", LOGISTIC: "own logistic regression", "baseline": "own six-fact baseline"}


def trial_figures(
    bundle: ModelBundle,
    name: str,
    folder: Path,
    outcome: OutcomeDefinition,
    n_folds: int = 5,
    repeats: int | None = None,
    n_boot: int = 200,
) -> dict[str, Any]:
    """Label -> per-landmark ROC AUC (with interval) and each day's, for ``bundle`` and the trial's references."""
    files = history_files(folder)
    history = read_history(files)
    data = landmark_data(history, outcome=outcome)
    repeats = repeats or (3 if len(np.unique(data.patients)) < SMALL_TRIAL else 1)
    design = design_of(data, data.feature_names)
    logistic = nested_out_of_fold(design, n_folds, repeats, lambda _: None, families=(LOGISTIC,))
    baseline_names = [n for n in BASELINE_FEATURES if n in data.feature_names]
    probability = {
        LOGISTIC: logistic.probability[LOGISTIC],
        "baseline": fixed_out_of_fold(design_of(data, baseline_names), BASELINE, n_folds, repeats),
    }
    source = TrainingSource(name, tuple(sorted(files)), files_sha256(files))
    probability["model_in_use"], about = in_use_on_unseen(bundle, history, data, source)
    results = results_of(probability, data, n_boot)
    figures: dict[str, Any] = {
        LABELS[key]: {
            "per_landmark_roc_auc": results[key]["per_landmark"]["roc_auc"],
            "by_landmark": {day: s["roc_auc"]["value"] for day, s in results[key]["by_landmark"].items()},
        }
        for key in LABELS
        if key in results
    }
    if about.get("left_out"):
        figures["this model left out"] = about["left_out"]
    return figures


def real_trial_figures(bundle: ModelBundle, n_boot: int = 200) -> dict[str, Any]:
    """Every real trial in data/ under both outcome definitions (trial -> outcome -> figures), with words."""
    found: dict[str, Any] = {
        trial: {outcome.name: trial_figures(bundle, trial, folder, outcome, n_boot=n_boot) for outcome in OUTCOMES}
        for trial, folder in REAL_TRIALS.items()
    }
    found["in_words"] = (
        "real trials this model never trained on: ROC AUC by landmark day (mean of each day's, 95% interval "
        "resampling whole sites), beside the trial's own logistic regression and six-fact baseline, each "
        "cross-validated on that trial (nested, site-grouped folds); 'dropout' counts retention dropouts, 'any' "
        "every discontinuation"
    )
    return found
