"""A finished trial training as model versions on disk: one folder per family, each a complete version.

Each folder holds the model file, its card and its cross-validated predictions, like the bundled
version, so every page and the command line use a trained model exactly as they use the bundled one.
Both families are written (the recommendation says which to use; the user may keep either).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import lightgbm as lgb
import numpy as np
import shap
import sklearn

from core.formatting import things
from core.history.landmarks import LANDMARK_COLUMN
from core.model import coverage, gaps
from core.model.bundle import sha256_of_file
from core.model.drift import reference_profile
from core.model.features import feature_specs
from core.model.registry import Registry
from core.paths import MODEL_CARD_FILE, MODEL_FILE, PREDICTIONS_FILE, ROOT
from core.reading.contract import ID_COLUMN
from core.reading.validation import SOURCE_ROW
from core.training.bundled_model import decision_section
from core.training.candidates import LIGHTGBM
from core.training.censoring_weights import weighted_rows
from core.training.cross_validation import SELECTED
from core.training.time_family import TIME, time_card_section
from core.training.training_patients import training_patients_section
from core.training.trial_training import BASELINE, BASELINE_FEATURES, TrainingRun

FAMILY_LABELS = {
    LIGHTGBM: "LightGBM",
    "logistic_regression": "Logistic regression",
    TIME: "Time to dropout (weekly hazard)",
}
SLUGS = {LIGHTGBM: "lgbm", TIME: "time"}
COMPARED = {
    SELECTED: "Family chosen inside each fold (the figure of the choice itself)",
    "baseline": "Simple baseline (logistic regression on six facts)",
    "model_in_use": "Model in use before this training",
}


HEADLINE_WORDS = (
    "mean over landmark days of each day's cross-validated figure: how well the model ranks the patients in "
    "front of the team at one moment, as a weekly call list does"
)


def code_version() -> str:
    """The commit the product runs from, when it runs from a git checkout; else 'unknown'."""
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip() if found.returncode == 0 and found.stdout.strip() else "unknown"


def slug(text: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in text).strip("-")
    return cleaned[:40] or "trial"


def _evaluation(run: TrainingRun) -> dict[str, Any]:
    grouped = "whole sites" if run.data.grouped_by == "site" else "whole patients (fewer than five sites)"
    return {
        "method": "cross-validated",
        "folds": run.options.n_folds,
        "repeats": run.repeats,
        "grouped_by": run.data.grouped_by,
        "nested": True,
        "in_words": (
            f"nested {run.options.n_folds}-fold cross-validation, repeated {things(run.repeats, 'time')}, holding out "
            f"{grouped}: every landmark of a patient on the same side; the model's settings and calibration were "
            "chosen inside each fold, never on the patients it was scored on"
        ),
    }


def _comparison(run: TrainingRun) -> dict[str, Any]:
    """Each result with a label, the model families first, for the tables that show them side by side."""
    labels = {**FAMILY_LABELS, **COMPARED}
    out = {}
    for name, label in labels.items():
        if name in run.results:
            entry = {"label": label, **run.results[name]}
            if name == "model_in_use":
                entry |= run.model_in_use
            out[name] = entry
    if "model_in_use" not in out and run.model_in_use:
        out["model_in_use"] = {"label": COMPARED["model_in_use"], **run.model_in_use}
    return out


def _training_data(run: TrainingRun) -> dict[str, Any]:
    valid, data = run.data.valid, run.data
    outcome = valid.groupby(ID_COLUMN)["dropout"].first().astype(int)
    return {
        "file": ", ".join(run.source.files),
        "sha256": run.source.sha256,
        "synthetic": run.source.synthetic,
        "origin": "synthetic" if run.source.synthetic else "real",
        "trial": run.source.trial,
        "patients": int(len(outcome)),
        "withdrawals": int(outcome.sum()),  # patients labelled 1 under the outcome definition (card "outcome")
        "outcome_definition": run.options.outcome.name,
        "dropout_rate": round(float(outcome.mean()), 4),
        "sites": int(valid["site_id"].nunique()),
        "arms": list(data.levels.get("treatment_group", [])),
        "landmark_rows": int(len(valid)),
        "landmarks": sorted(int(d) for d in np.unique(data.landmark_days)),
        "landmark_scheme": (
            "every 28 days from day 28 to the planned length; at each landmark, the patients still in the study, "
            "with what was known that day, labelled 1 if they later dropped out as the outcome definition says, "
            "0 if they completed or ended another way; patients still in the trial at the cut-off are left out "
            "and the others weighted for it (inverse probability of censoring weights)"
        ),
        "censoring_weights": _weights_words(run),
        "unused_features": data.dropped_features,
    }


def _weights_words(run: TrainingRun) -> dict[str, Any]:
    w = run.data.w
    return {
        "rows_weighted": int((w != 1.0).sum()),
        "largest": round(float(w.max()), 4) if len(w) else 1.0,
        "in_words": (
            "every row counts once: no patient was still in the trial at the cut-off"
            if np.all(w == 1.0)
            else "rows of patients whose ending is known stand also for similar patients still in the trial at the "
            "cut-off (inverse probability of censoring weights), in training, calibration, figures and threshold"
        ),
    }


def card_head(name: str, family: str, model_sha256: str) -> dict[str, Any]:
    """The keys every version's card opens with: its name, kind, libraries, code and model file."""
    return {
        "model_version": name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_kind": family,
        "library_versions": {
            "lightgbm": lgb.__version__,
            "scikit-learn": sklearn.__version__,
            "shap": shap.__version__,
        },
        "code_version": code_version(),
        "model_sha256": model_sha256,
        "model_file": MODEL_FILE,
    }


def build_card(run: TrainingRun, family: str, model_sha256: str) -> dict[str, Any]:
    data, chosen = run.data, run.chosen[family]
    headline = run.results[family]
    name = f"{slug(run.source.trial)}-{SLUGS.get(family, 'logit')}-{model_sha256[:8]}"
    card = {
        **card_head(name, family, model_sha256),
        "training_data": _training_data(run),
        "training_data_sha256": run.source.sha256,
        "outcome": run.outcome,
        "training_patients": training_patients_section(run.data.patients),
        "features": [{"name": f.name, "description": f.description} for f in feature_specs(data.feature_names)],
        "category_levels": data.levels,
        "hyperparameters": {
            "candidate": chosen.candidate.name,
            **chosen.candidate.params,
            "calibration_slope": round(chosen.calibration.slope, 6),
            "calibration_intercept": round(chosen.calibration.intercept, 6),
        },
        "evaluation": _evaluation(run),
        "metrics": {
            "test": headline["per_landmark"],
            "headline": HEADLINE_WORDS,
            "per_landmark": headline["per_landmark"],
            "by_landmark": headline["by_landmark"],
            "pooled": headline["pooled"],
            "calibration_test": headline["calibration"],
        },
        "comparison": _comparison(run),
        "differences": run.comparisons | {"lightgbm_minus_logistic": run.recommendation["lightgbm_minus_logistic"]},
        "baseline_model": {"name": BASELINE.name, "features": list(BASELINE_FEATURES)},
        "recommendation": {
            key: run.recommendation[key]
            for key in ("family", "keep_in_use", "compared_with_in_use", "words", "best_minus_in_use")
        }
        | {"in_use_before": run.model_in_use.get("version")},
        "learning_curve": run.learning_curve,
        "fold_choices": run.fold_choices,
        "decision": decision_section(
            *weighted_rows(run.probability[family], data.y, data.w),
            run.options.costs,
            "cross-validated predictions, lowest total program cost under the costs in force at training",
        ),
        "predictions_file": PREDICTIONS_FILE,
        "input_reference": reference_profile(data.valid, data.contract),
        "input_sample": {
            "rows": gaps.sample_rows(data.features),
            "in_words": "training landmark rows a blank input is averaged over (core.model.gaps)",
        },
        "covers": coverage.covers_section(data.valid["days_in_trial"], sorted(np.unique(data.landmark_days))),
        "intended_use": (
            "Rank the enrolled patients of this trial by their risk of withdrawing, to plan retention outreach. "
            "Not for eligibility, randomisation, treatment or any clinical decision about a patient."
        ),
        "limitations": (
            f"Learned from {run.source.trial}'s own history; its figures are cross-validated on that trial. "
            "On another trial, or after the trial changes its visit schedule, measure it again before relying on it."
        ),
    }
    if family == TIME and run.time_family is not None:
        card |= time_card_section(run.time_family.model, data.landmark_days, run.time_family)
    return card


def _predictions(run: TrainingRun, family: str):
    """The cross-validated predictions, one row per patient per landmark (ids made unique by the day)."""
    frame = run.data.valid.drop(columns=[SOURCE_ROW], errors="ignore").copy()
    frame[ID_COLUMN] = frame[ID_COLUMN].astype(str) + " day " + frame[LANDMARK_COLUMN].astype(str)
    return frame.assign(probability=np.round(run.probability[family], 6))


def write_version(run: TrainingRun, family: str, folder: Path) -> dict[str, Any]:
    """The family's version (model, card, predictions) written into ``folder``; returns its card."""
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(run.models[family], folder / MODEL_FILE)
    card = build_card(run, family, sha256_of_file(folder / MODEL_FILE))
    _predictions(run, family).to_csv(folder / PREDICTIONS_FILE, index=False)
    (folder / MODEL_CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
    return card


def register_versions(run: TrainingRun, registry: Registry) -> dict[str, str]:
    """Both versions registered (not put in use); returns each family's version name."""
    names = {}
    for family in run.models:
        with tempfile.TemporaryDirectory(dir=registry.root, prefix=".training-") as staging:
            write_version(run, family, Path(staging))
            names[family] = registry.register(Path(staging))
    return names
