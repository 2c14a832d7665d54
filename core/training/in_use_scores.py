"""The model in use scored on a trial's landmark rows, so a new model is compared on the very same patients.

The generic model knows three arms; the trial's arms go through the same first-guess mapping that
scoring a history uses. A model scored on patients it learned from would be flattered: its card names
its training patients (``core.training.training_patients``), and only the others are scored. A version
whose card does not name them is compared only when it was trained on other files altogether.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.history.as_of import GENERIC_ARMS, guess_arm_mapping
from core.history.landmarks import LANDMARK_COLUMN
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN
from core.training.landmark_data import validated_landmarks


def trained_on_same_history(bundle: ModelBundle, history_sha256: str) -> bool:
    return str(bundle.card.get("training_data", {}).get("sha256", "")) == history_sha256


def in_use_probability(bundle: ModelBundle, cells: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """The model in use's probability for each of ``rows`` (landmark day and patient), NaN where it could not
    score the row (an input it needs is missing from the history)."""
    cells = cells.copy()
    known_arms = tuple(bundle.contract["treatment_group"].levels)
    arms = sorted(set(cells["treatment_group"]))
    if known_arms == GENERIC_ARMS and not set(arms) <= set(known_arms):
        cells["treatment_group"] = cells["treatment_group"].map(guess_arm_mapping(arms))
    valid, _ = validated_landmarks(cells, bundle.contract)
    if valid.empty:
        return np.full(len(rows), np.nan)
    scored = pd.DataFrame(
        {
            LANDMARK_COLUMN: valid[LANDMARK_COLUMN].astype(int).to_numpy(),
            ID_COLUMN: valid[ID_COLUMN].astype(str).to_numpy(),
            "probability": bundle.predict(valid),
        }
    )
    keys = pd.DataFrame(
        {LANDMARK_COLUMN: rows[LANDMARK_COLUMN].astype(int).to_numpy(), ID_COLUMN: rows[ID_COLUMN].astype(str)}
    )
    return keys.merge(scored, how="left", on=[LANDMARK_COLUMN, ID_COLUMN])["probability"].to_numpy(dtype=float)
