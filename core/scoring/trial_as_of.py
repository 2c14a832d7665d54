"""Score a running trial as of a date: read its history, cut the snapshot, score it like a cohort file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pandas as pd

from core.decisions.bands import RiskBand
from core.history.as_of import GENERIC_ARMS, as_of_snapshot, guess_arm_mapping, trial_arms
from core.history.reader import files_sha256
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.scoring.cohort import ScoredCohort, score_snapshot


def needs_arm_mapping(bundle: ModelBundle, history: TrialHistory) -> bool:
    """True when the model knows only the generic arms and the trial names its own."""
    known = tuple(bundle.contract["treatment_group"].levels)
    return known == GENERIC_ARMS and not set(trial_arms(history)) <= set(known)


def history_digest(files: Mapping[str, bytes], as_of: pd.Timestamp, arm_mapping: Mapping[str, str] | None) -> str:
    """What identifies a scored history: its files' bytes, the date and the arm mapping."""
    digest = hashlib.sha256(files_sha256(files).encode())
    digest.update(str(as_of.date()).encode() + json.dumps(dict(arm_mapping or {}), sort_keys=True).encode())
    return digest.hexdigest()


def score_history(
    history: TrialHistory,
    files: Mapping[str, bytes],
    label: str,
    as_of: pd.Timestamp,
    bundle: ModelBundle,
    bands: tuple[RiskBand, ...],
    arm_mapping: Mapping[str, str] | None = None,
) -> ScoredCohort:
    """The trial's patients as of ``as_of``, scored. For the generic model, arms go through ``arm_mapping``
    (a first guess from the arm names when none is given)."""
    if needs_arm_mapping(bundle, history):
        arm_mapping = dict(arm_mapping) if arm_mapping else guess_arm_mapping(trial_arms(history))
    else:
        arm_mapping = None
    cells = as_of_snapshot(history, as_of, arm_mapping)
    return score_snapshot(
        cells, f"{label} as of {as_of.date()}", history_digest(files, as_of, arm_mapping), bundle, bands
    )
