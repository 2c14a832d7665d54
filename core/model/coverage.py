"""Which patients a model may judge: only those inside the days its training covered.

A model trained on landmark snapshots from day 28 has never seen a patient on day 2; what it says of
one is an artefact, and a strong one (a tree's last branch, a line carried past its data). The card
records the days it learned from (``covers``); a patient outside them is not scored: "too early to
judge" (before the first day) or "beyond the days it learned from", with the reason in words. Scoring
(``core.scoring.scores``) asks here, so every page, export and command treats them alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TOO_EARLY = "Too early to judge"
TOO_LATE = "Beyond the model's days"
DAYS = "days_in_trial"


def covered_days(card: dict[str, Any]) -> tuple[float, float] | None:
    """The first and last day in the trial the model learned from (None: the card sets no limit)."""
    found = card.get("covers", {}).get(DAYS)
    return (float(found[0]), float(found[1])) if found else None


def covers_section(days_in_trial: pd.Series, landmark_days: list[int]) -> dict[str, Any]:
    """What a trained model's card records about the days it learned from."""
    return {
        DAYS: [int(days_in_trial.min()), int(days_in_trial.max())],
        "landmark_days": [int(d) for d in landmark_days],
    }


def outside(card: dict[str, Any], valid: pd.DataFrame) -> pd.Series:
    """For each row: '' when the model may judge it, else the label (too early, or beyond its days)."""
    days = covered_days(card)
    out = pd.Series("", index=valid.index, dtype=object)
    if days is None or DAYS not in valid.columns:
        return out
    value = valid[DAYS].to_numpy(dtype=float)
    out[value < days[0]] = TOO_EARLY
    out[value > days[1]] = TOO_LATE
    return out


def reason_words(card: dict[str, Any], label: str | np.ndarray, valid: pd.DataFrame) -> pd.Series:
    """Why a row is not judged, with the patient's own day and the days the model covers."""
    days = covered_days(card) or (np.nan, np.nan)
    since = "learned from patients on day {:.0f} to day {:.0f} of the trial".format(*days)
    own = "Day " + valid[DAYS].astype(float).round().astype("Int64").astype(str) + " of the trial: "
    return own + np.where(label == TOO_EARLY, "too early to judge; the model ", "beyond what the model ") + since


def patients_in_training(predictions_path: Path | None, card: dict[str, Any], ids: pd.Series) -> int:
    """How many of ``ids`` a trial-trained model learned from (its cross-validated rows lie beside it, one per
    patient and landmark, as "<id> day <n>"); 0 for a model trained on synthetic data or with no such file."""
    if predictions_path is None or card.get("training_data", {}).get("synthetic", True):
        return 0
    trained = pd.read_csv(predictions_path, usecols=["patient_id"], dtype=str)["patient_id"]
    own = set(trained.str.replace(r" day \d+$", "", regex=True))
    return int(ids.astype(str).isin(own).sum())
