"""Load the stored model bundle (LightGBM booster + model card) and predict probabilities.

The model file is a pickle (joblib); unpickling runs code, so its SHA-256 is checked against the
card before it is loaded. A mismatch refuses to load.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import lightgbm as lgb
import numpy as np
import pandas as pd

from core.config import HOLDOUT_PATH, MODEL_CARD_PATH, MODEL_PATH
from core.features import FEATURE_NAMES, build_features
from core.schema import load_cohort

log = logging.getLogger(__name__)


class ModelIntegrityError(RuntimeError):
    """The model file does not match the SHA-256 recorded in its model card."""


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class ModelBundle:
    """The booster and its card; the SHAP explainer is built on first use."""

    booster: lgb.Booster
    card: dict[str, Any]
    _explainer: Any = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return str(self.card["model_version"])

    @property
    def default_threshold(self) -> float:
        return float(self.card["decision"]["default_threshold"])

    def predict_features(self, features: pd.DataFrame) -> np.ndarray:
        """Dropout probability (0-1) for a feature frame from ``core.features``."""
        if len(features) == 0:  # LightGBM cannot predict zero rows
            return np.empty(0)
        return self.booster.predict(features[list(FEATURE_NAMES)].to_numpy(dtype=float))

    def predict(self, valid: pd.DataFrame) -> np.ndarray:
        """Dropout probability (0-1) for validated contract rows, shape (n,)."""
        return self.predict_features(build_features(valid))


def load_bundle(model_path: Path = MODEL_PATH, card_path: Path = MODEL_CARD_PATH) -> ModelBundle:
    """Load the model after checking its SHA-256 against the card; raise ModelIntegrityError if not."""
    card = json.loads(Path(card_path).read_text())
    actual = sha256_of_file(model_path)
    expected = card.get("model_sha256")
    if actual != expected:
        raise ModelIntegrityError(
            f"The model file {Path(model_path).name} does not match its model card "
            f"(SHA-256 {actual[:12]}… found, {str(expected)[:12]}… expected). "
            "It may have been altered or replaced; it was not loaded. Restore the model files or retrain."
        )
    booster = joblib.load(model_path)
    if list(booster.feature_name()) != list(FEATURE_NAMES):
        raise ModelIntegrityError("The stored model expects different features from this version of the app.")
    log.info("loaded model %s", card.get("model_version"))
    return ModelBundle(booster=booster, card=card)


def load_holdout(path: Path = HOLDOUT_PATH) -> pd.DataFrame:
    """The test split that ships with the model: contract columns, site, dropout and probability."""
    return load_cohort(Path(path).read_bytes(), Path(path).name).valid
