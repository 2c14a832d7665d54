"""A pooled training (``core.training.pooled_training``) as one model version: model file, card, predictions.

The card has the keys every page and command read for any version (the trial-trained card of
``core.training.trial_versions`` is the template); its figures are each trial's, measured by the model
trained on the other trials, and the headline is their mean.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from core.history.as_of import GENERIC_ARMS, guess_arm_mapping
from core.history.endings import outcome_section
from core.history.landmarks import LANDMARK_COLUMN
from core.model import gaps
from core.model.bundle import sha256_of_file
from core.model.drift import reference_profile
from core.model.features import build_features, feature_specs
from core.model.registry import Registry
from core.model.time_model import DAYS_PER_WEEK, HORIZONS
from core.paths import MODEL_CARD_FILE, MODEL_FILE, PREDICTIONS_FILE
from core.reading.contract import CONTRACT, ID_COLUMN
from core.reading.validation import SOURCE_ROW
from core.training.bundled_model import decision_section
from core.training.censoring_weights import weighted_rows
from core.training.pooled_training import HeldOutTrial, PooledRun
from core.training.time_family import TIME
from core.training.training_patients import training_patients_section
from core.training.trial_evaluation import calibration_of, difference_in_words
from core.training.trial_training import BASELINE, BASELINE_FEATURES
from core.training.trial_versions import card_head, slug

HEADLINE_WORDS = (
    "mean over the trials of each trial's ROC AUC by landmark day (the mean over landmark days of each day's "
    "figure), each trial scored by the model trained on the other trials only (leave one trial out); the interval "
    "combines the trials' own intervals"
)


def _origin(trials: list[HeldOutTrial]) -> str:
    kinds = {"synthetic" if t.source.synthetic else "real" for t in trials}
    return "real and synthetic" if len(kinds) > 1 else kinds.pop()


def _trial_entry(trial: HeldOutTrial) -> dict[str, Any]:
    outcome = trial.data.valid.groupby(ID_COLUMN)["dropout"].first().astype(int)
    return {
        "trial": trial.name,
        "origin": "synthetic" if trial.source.synthetic else "real",
        "synthetic": trial.source.synthetic,
        "file": ", ".join(trial.source.files),
        "sha256": trial.source.sha256,
        "patients": int(len(outcome)),
        "dropouts": int(outcome.sum()),
        "sites": int(trial.data.valid["site_id"].nunique()),
        "landmark_rows": int(len(trial.data.valid)),
    }


def _training_data(run: PooledRun) -> dict[str, Any]:
    entries = [_trial_entry(t) for t in run.trials]
    patients = sum(e["patients"] for e in entries)
    dropouts = sum(e["dropouts"] for e in entries)
    return {
        "trial": " + ".join(e["trial"] for e in entries),
        "trials": entries,
        "file": "; ".join(e["file"] for e in entries),
        "sha256": _combined_sha256(run),
        "synthetic": all(t.source.synthetic for t in run.trials),
        "origin": _origin(run.trials),
        "patients": patients,
        "withdrawals": dropouts,
        "outcome_definition": run.options.outcome.name,
        "dropout_rate": round(dropouts / max(patients, 1), 4),
        "sites": sum(e["sites"] for e in entries),
        "person_period_rows": len(run.periods),
        "landmark_rows": sum(e["landmark_rows"] for e in entries),
    }


def _combined_sha256(run: PooledRun) -> str:
    return hashlib.sha256("\n".join(sorted(t.source.sha256 for t in run.trials)).encode()).hexdigest()


def _outcome(run: PooledRun) -> dict[str, Any]:
    """The outcome definition with patients per reason added up over the trials."""
    sections = [outcome_section(t.history.subjects, run.options.outcome, set(t.data.patients)) for t in run.trials]
    merged = dict(sections[0])
    for key in ("dropouts", "other_endings_not_counted"):
        merged[key] = sum(s[key] for s in sections)
    merged["by_trial"] = {t.name: s["by_reason"] for t, s in zip(run.trials, sections, strict=True)}
    return merged


def _labelled(trial: HeldOutTrial) -> dict[str, dict[str, Any]]:
    labels = {
        TIME: f"{trial.name}: this model, trained on {', '.join(trial.trained_on)} only",
        "baseline": f"{trial.name}: simple baseline (logistic regression on six facts), cross-validated on its own",
        "model_in_use": f"{trial.name}: model in use before this training, on patients it never trained on",
    }
    out = {}
    for name, label in labels.items():
        if name in trial.results:
            out[f"{trial.name} | {name}"] = {"label": label, **trial.results[name]}
            if name == "model_in_use":
                out[f"{trial.name} | {name}"] |= trial.model_in_use
    return out


def _stacked(run: PooledRun) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = np.concatenate([t.probability[TIME] for t in run.trials])
    y = np.concatenate([t.data.y for t in run.trials])
    w = np.concatenate([t.data.w for t in run.trials])
    return p, y, w


def recommendation(run: PooledRun, in_use_version: str | None) -> dict[str, Any]:
    """Use this model only if, on some trial, it ranks clearly better than the model in use, and on none worse."""
    differences = {t.name: t.comparisons.get(f"{TIME}_minus_model_in_use") for t in run.trials}
    compared = {name: d for name, d in differences.items() if d}
    better = any(d["ci95"][0] > 0 for d in compared.values())
    worse = any(d["ci95"][1] < 0 for d in compared.values())
    words = [difference_in_words("This model", "the model in use", d) + f" ({name})" for name, d in compared.items()]
    keep = bool(compared) and not (better and not worse)
    if not compared:
        words.append("The model in use could not be compared on patients it never trained on.")
    return {
        "family": TIME,
        "keep_in_use": keep,
        "compared_with_in_use": bool(compared),
        "words": " ".join(words),
        "in_use_before": in_use_version,
    }


def _predictions(run: PooledRun) -> pd.DataFrame:
    """Each trial's held-out landmark rows with the probability of the model trained on the other trials;
    ids carry the day (unique rows) and arms are named as the generic contract names them."""
    frames = []
    for trial in run.trials:
        frame = trial.data.valid.drop(columns=[SOURCE_ROW], errors="ignore").copy()
        frame[ID_COLUMN] = frame[ID_COLUMN].astype(str) + " day " + frame[LANDMARK_COLUMN].astype(str)
        arms = sorted(set(frame["treatment_group"].astype(str)))
        if not set(arms) <= set(GENERIC_ARMS):
            frame["treatment_group"] = frame["treatment_group"].astype(str).map(guess_arm_mapping(arms))
        frames.append(frame.assign(trial=trial.name, probability=np.round(trial.probability[TIME], 6)))
    return pd.concat(frames, ignore_index=True)


def _time_section(run: PooledRun) -> dict[str, Any]:
    model = run.model
    return {
        "horizons_weeks": list(HORIZONS),
        "hazard_family": run.family,
        "planned_days": round(model.planned_days, 1),
        "longest_weeks": model.longest_weeks,
        "person_period_rows": len(run.periods),
        "patients": int(len(np.unique(run.periods.patient))),
        "weeks_with_a_dropout": int(run.periods.left.sum()),
        "fold_choices": [t.chosen for t in run.trials],
        "per_horizon": {t.name: t.per_horizon for t in run.trials},
        "in_words": (
            "A weekly hazard learned from every week of every patient of every trial, from day 1. The chance of "
            "leaving within N weeks is one minus the survival over the next N weeks; the risk the threshold and "
            f"costs read is the chance of leaving before the planned end (day {model.planned_days:.0f}). Figures "
            "per horizon are each trial's, scored by the model trained on the other trials."
        ),
    }


def build_pooled_card(run: PooledRun, model_sha256: str, costs: Any, in_use_version: str | None) -> dict[str, Any]:
    names = run.feature_names
    landmark_features = pd.concat([t.data.valid for t in run.trials], ignore_index=True)
    p, y, w = _stacked(run)
    days = sorted({int(d) for t in run.trials for d in np.unique(t.data.landmark_days)})
    card = {
        **card_head(f"pooled-{slug('-'.join(t.name for t in run.trials))}-time-{model_sha256[:8]}", TIME, model_sha256),
        "training_data": _training_data(run),
        "training_data_sha256": _combined_sha256(run),
        "outcome": _outcome(run),
        "training_patients": training_patients_section(np.concatenate([t.data.patients for t in run.trials])),
        "features": [{"name": f.name, "description": f.description} for f in feature_specs(names)],
        "category_levels": run.levels,
        "hyperparameters": {
            "candidate": run.chosen.candidate.name,
            **run.chosen.candidate.params,
            "calibration_slope": round(run.chosen.calibration.slope, 6),
            "calibration_intercept": round(run.chosen.calibration.intercept, 6),
        },
        "evaluation": {
            "method": "cross-validated",
            "scheme": "leave one trial out",
            "grouped_by": "trial",
            "folds": len(run.trials),
            "repeats": 1,
            "nested": True,
            "in_words": (
                "leave one trial out: each trial is scored only by the model fitted on the other trials, whose "
                "family and calibration were chosen inside their rows; never on a patient it learned from"
            ),
        },
        "metrics": {
            "test": run.headline,
            "headline": HEADLINE_WORDS,
            "per_landmark": run.headline,
            "by_trial": {t.name: t.results.get(TIME, {}).get("by_landmark", {}) for t in run.trials},
            "calibration_test": calibration_of(y, p, w),
        },
        "comparison": {key: value for t in run.trials for key, value in _labelled(t).items()},
        "differences": {f"{t.name} | {key}": value for t in run.trials for key, value in t.comparisons.items()},
        "baseline_model": {"name": BASELINE.name, "features": list(BASELINE_FEATURES)},
        "recommendation": recommendation(run, in_use_version),
        "learning_curve": {},
        "fold_choices": [{"trial": t.name, "chosen": t.chosen, "trained_on": t.trained_on} for t in run.trials],
        "decision": decision_section(
            *weighted_rows(p, y, w),
            costs,
            "each trial's held-out predictions (model trained on the other trials), lowest total program cost",
        ),
        "predictions_file": PREDICTIONS_FILE,
        "input_reference": reference_profile(landmark_features, CONTRACT),
        "input_sample": {
            "rows": gaps.sample_rows(_features(run)),
            "in_words": "training landmark rows of every trial a blank input is averaged over (core.model.gaps)",
        },
        "covers": {
            "days_in_trial": [1, int(run.model.longest_weeks * DAYS_PER_WEEK)],
            "landmark_days": days,
        },
        "time_to_dropout": _time_section(run),
        "intended_use": (
            "Rank the enrolled patients of a trial by their chance of leaving, to plan retention outreach; a new "
            "trial with little history of its own can start from it. Not for eligibility, randomisation, "
            "treatment or any clinical decision about a patient."
        ),
        "limitations": (
            f"Learned from the trials {', '.join(t.name for t in run.trials)}; its figures are each trial's as "
            "scored by a model that never saw it. On another trial, measure it again before relying on it."
        ),
    }
    return card


def _features(run: PooledRun) -> pd.DataFrame:
    return pd.concat(
        [build_features(t.data.valid, run.feature_names, run.levels) for t in run.trials], ignore_index=True
    )


def write_pooled_version(run: PooledRun, folder: Path, costs: Any, in_use_version: str | None) -> dict[str, Any]:
    """The pooled version (model, card, predictions) written into ``folder``; returns its card."""
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(run.model, folder / MODEL_FILE)
    card = build_pooled_card(run, sha256_of_file(folder / MODEL_FILE), costs, in_use_version)
    _predictions(run).to_csv(folder / PREDICTIONS_FILE, index=False)
    (folder / MODEL_CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
    return card


def register_pooled(run: PooledRun, registry: Registry, costs: Any, in_use_version: str | None) -> str:
    """The pooled version registered (not put in use); returns its name."""
    with tempfile.TemporaryDirectory(dir=registry.root, prefix=".training-") as staging:
        write_pooled_version(run, Path(staging), costs, in_use_version)
        return registry.register(Path(staging))
