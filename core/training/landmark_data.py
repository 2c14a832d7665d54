"""A trial history as training rows: every landmark snapshot, validated and featured as scoring does it.

Each landmark day's snapshot is a cohort file in all but name: it goes through the same contract,
validation and feature table as an uploaded file, so a model trained here sees a patient exactly as it
will when the trial's next file is scored. Only patients whose outcome is known (ended) become
training rows, labelled by the outcome definition (``core.history.endings``: retention dropouts by
default); rows of a history cut off while patients are still in it carry censoring weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.history.as_of import derived_columns, trial_arms
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.landmarks import LANDMARK_COLUMN, landmark_snapshots
from core.history.trial_history import TrialHistory
from core.model.features import TRIAL_FEATURES, build_features, feature_specs, required_inputs
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN, SITE_COLUMN, Contract
from core.reading.validation import validate_frame
from core.training.censoring_weights import row_weights
from core.training.folds import group_labels

MIN_PATIENTS = 100
MIN_EACH_OUTCOME = 20


class TrainingRefused(ValueError):
    """The history cannot support a model; the message says what is missing, in plain words."""


@dataclass
class LandmarkData:
    """Validated landmark rows with known outcomes, the features a trial model may use, and fold groups."""

    valid: pd.DataFrame  # contract columns plus landmark_day, one row per patient per landmark
    features: pd.DataFrame  # float64, categories as codes
    feature_names: list[str]
    levels: dict[str, list[str]]
    contract: Contract
    groups: np.ndarray
    grouped_by: str  # "site" or "patient"
    dropped_features: list[str]  # the trial gives them no information (one value, or none)
    outcome: OutcomeDefinition = DEFAULT_OUTCOME  # which endings are labelled 1 (core.history.endings)
    weights: np.ndarray | None = None  # censoring weights of the rows (core.training.censoring_weights)

    @property
    def w(self) -> np.ndarray:
        """Each row's censoring weight (1 for every row of a history with no patient still ongoing)."""
        return np.ones(len(self.valid)) if self.weights is None else self.weights

    @property
    def y(self) -> np.ndarray:
        return self.valid[OUTCOME_COLUMN].astype(int).to_numpy()

    @property
    def patients(self) -> np.ndarray:
        return self.valid[ID_COLUMN].astype(str).to_numpy()

    @property
    def landmark_days(self) -> np.ndarray:
        return self.valid[LANDMARK_COLUMN].astype(int).to_numpy()


def trial_contract(history: TrialHistory, feature_names: Sequence[str]) -> Contract:
    """The history's cohort contract with the trial's own arm names, requiring what the features read."""
    return history.contract.cohort.with_levels({"treatment_group": trial_arms(history)}).requiring(
        required_inputs(feature_names)
    )


def landmark_cells(
    history: TrialHistory, landmarks: list[int] | None = None, outcome: OutcomeDefinition = DEFAULT_OUTCOME
) -> pd.DataFrame:
    """Every landmark snapshot as cells of text (as ``as_of_snapshot`` gives one date), outcome known only."""
    table = landmark_snapshots(history, landmarks, definition=outcome)
    derived = list(derived_columns(history.contract))
    table = table[table[OUTCOME_COLUMN].notna()].drop(columns=derived, errors="ignore")
    return table.astype(object).where(table.notna(), "").astype(str).reset_index(drop=True)


def validated_landmarks(cells: pd.DataFrame, contract: Contract) -> tuple[pd.DataFrame, int]:
    """Each landmark's snapshot validated on its own (a patient appears once per day); returns rows kept and
    the number refused (a value the contract cannot read)."""
    mapping = {name: name for name in contract.names if name in cells.columns}
    parts, refused = [], 0
    for day, snapshot in cells.groupby(LANDMARK_COLUMN, sort=False):
        result = validate_frame(snapshot.reset_index(drop=True), mapping, contract, f"landmark day {day}")
        parts.append(result.valid)
        refused += result.n_invalid_rows
    valid = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return valid, refused


def _informative(features: pd.DataFrame) -> list[str]:
    """Features with at least two distinct known values in the training rows."""
    return [name for name in features.columns if features[name].dropna().nunique() > 1]


def refusal_reasons(valid: pd.DataFrame, arms: list[str], dropped: str = "withdrew") -> list[str]:
    """What makes this history too small or too one-sided to learn from (empty: it can be learned from)."""
    if valid.empty:
        return ["no patient has a known outcome (withdrew or completed) at any landmark day"]
    outcome = valid.groupby(ID_COLUMN)[OUTCOME_COLUMN].first().astype(int)
    reasons = []
    if len(outcome) < MIN_PATIENTS:
        reasons.append(f"only {len(outcome):,} patients have a known outcome; at least {MIN_PATIENTS} are needed")
    if int(outcome.sum()) < MIN_EACH_OUTCOME:
        reasons.append(f"only {int(outcome.sum()):,} patients {dropped}; at least {MIN_EACH_OUTCOME} are needed")
    if int((outcome == 0).sum()) < MIN_EACH_OUTCOME:
        reasons.append(f"only {int((outcome == 0).sum()):,} patients completed; at least {MIN_EACH_OUTCOME} are needed")
    if len(arms) < 2:
        reasons.append("every patient is in one arm, so the model could not tell a trial's arms apart")
    return reasons


def landmark_data(
    history: TrialHistory,
    landmarks: list[int] | None = None,
    feature_names: Sequence[str] = TRIAL_FEATURES,
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
) -> LandmarkData:
    """The training rows of ``history`` labelled by ``outcome`` and, of ``feature_names``, those it informs,
    with each row's censoring weight (raises TrainingRefused when the rows cannot support a model)."""
    cells = landmark_cells(history, landmarks, outcome)
    contract = trial_contract(history, feature_names)
    valid, _ = validated_landmarks(cells, contract) if len(cells) else (pd.DataFrame(), 0)
    dropped = "withdrew" if outcome.name == "any" else "dropped out (withdrew, lost to follow-up or the like)"
    reasons = refusal_reasons(valid, trial_arms(history), dropped)
    if reasons:
        raise TrainingRefused("This history cannot train a model: " + "; ".join(reasons) + ".")
    levels = {f.name: list(contract[f.name].levels) for f in feature_specs(feature_names) if f.categorical}
    all_features = build_features(valid, feature_names, levels)
    kept = _informative(all_features)
    sites = valid[SITE_COLUMN] if SITE_COLUMN in valid else None
    groups, grouped_by = group_labels(valid[ID_COLUMN], sites)
    return LandmarkData(
        valid=valid,
        features=all_features[kept],
        feature_names=kept,
        levels={name: values for name, values in levels.items() if name in kept},
        contract=trial_contract(history, kept),
        groups=groups,
        grouped_by=grouped_by,
        dropped_features=[name for name in feature_names if name not in kept],
        outcome=outcome,
        weights=row_weights(history, valid),
    )
