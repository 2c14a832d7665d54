"""A model version as the product uses it: the fitted model, its card, and what it needs to score and explain.

The model file is a pickle (joblib); unpickling runs code, so its SHA-256 is checked against the card
before it is loaded, and a mismatch refuses to load. The card names the model's features and its
category levels, so the bundle builds its own features (``core.model.features``) and tells which
contract (``core.reading.contract``) its inputs follow.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import lightgbm as lgb
import numpy as np
import pandas as pd

from core.model import gaps
from core.model.features import UnknownFeatureError, build_features, feature_specs, required_inputs
from core.model.predictors import LinearModel, Predictor, TreeModel
from core.model.time_model import HORIZONS, SurvivalModel, WithinWeeks, horizon_column
from core.paths import HOLDOUT_FILE
from core.reading import contract as contract_module
from core.reading.contract import Contract
from core.reading.validation import load_cohort

log = logging.getLogger(__name__)
_SAMPLES: dict[str, np.ndarray | None] = {}  # model SHA-256 -> its training sample, when the card has none


class ModelIntegrityError(RuntimeError):
    """The model file does not match its card, or asks for what this version cannot provide."""


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelBundle:
    """The fitted model and its card."""

    model: Predictor
    card: dict[str, Any]
    folder: Path | None = None  # where its files are (its predictions lie beside the model)

    @property
    def version(self) -> str:
        return str(self.card["model_version"])

    @property
    def sha256(self) -> str:
        return str(self.card["model_sha256"])

    @property
    def default_threshold(self) -> float:
        return float(self.card["decision"]["default_threshold"])

    @property
    def synthetic(self) -> bool:
        return bool(self.card["training_data"].get("synthetic"))

    @property
    def predictions_path(self) -> Path | None:
        """Its held-out or cross-validated predictions (patients it never trained on, with outcomes)."""
        if self.folder is None:
            return None
        path = self.folder / str(self.card.get("predictions_file", HOLDOUT_FILE))
        return path if path.exists() else None

    @property
    def feature_names(self) -> list[str]:
        return [entry["name"] for entry in self.card["features"]]

    @property
    def category_levels(self) -> dict[str, list[str]]:
        """The model's own level order per categorical feature (the contract's where the card is silent)."""
        stored = self.card.get("category_levels", {})
        levels = contract_module.CONTRACT.category_levels()
        return {
            f.name: list(stored.get(f.name, levels.get(f.name, ())))
            for f in feature_specs(self.feature_names)
            if f.categorical
        }

    @property
    def contract(self) -> Contract:
        """The input contract with this model's own category levels (a trial's arm names). An optional field
        stays optional even when this model reads it (a model trained on a trial's events): a file without
        it is scored with that input averaged over the training data (``core.model.gaps``). The Patient form asks
        for every input this model reads (a trial model's event counts too), each optional where it is."""
        return contract_module.CONTRACT.with_levels(self.category_levels).asking(self.inputs)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The contract fields this model's features read (the Patient form shows them)."""
        return required_inputs(self.feature_names)

    @property
    def input_sample(self) -> np.ndarray | None:
        """Training rows' feature values that a blank input is averaged over (``core.model.gaps``): the card's,
        else computed once from the rows beside the model (its held-out or cross-validated predictions)."""
        width = len(self.feature_names)
        stored = gaps.as_array(self.card.get("input_sample", {}).get("rows", []), width)
        if stored is not None:
            return stored
        key = self.sha256
        if key not in _SAMPLES:
            path = self.predictions_path
            rows: list[list[float | None]] = []
            if path is not None:
                rows = gaps.sample_rows(self.features(load_holdout(path, self.contract)))
            _SAMPLES[key] = gaps.as_array(rows, width)
        return _SAMPLES[key]

    def features(self, valid: pd.DataFrame) -> pd.DataFrame:
        """This model's feature frame for validated rows."""
        return build_features(valid, self.feature_names, self.category_levels)

    def predict_features(self, features: pd.DataFrame) -> np.ndarray:
        """Dropout probability (0-1) for a feature frame from ``features``."""
        if len(features) == 0:  # LightGBM cannot predict zero rows
            return np.empty(0)
        return gaps.probability(self.model, features[self.feature_names].to_numpy(dtype=float), self.input_sample)

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-feature log-odds contributions adding up to the log-odds ``predict_features`` gives."""
        return gaps.contributions(self.model, X, self.input_sample)

    @property
    def horizons(self) -> tuple[int, ...]:
        """The weeks ahead this model gives a chance of leaving within (none for a landmark model)."""
        if not isinstance(self.model, SurvivalModel):
            return ()
        return tuple(int(h) for h in self.card.get("time_to_dropout", {}).get("horizons_weeks", HORIZONS))

    def chances(self, features: pd.DataFrame) -> pd.DataFrame:
        """The chance of leaving within each horizon (``chance_within_N_weeks``, 0-1; blanks averaged as
        ``predict_features`` does); no columns for a model that does not look at time."""
        model = self.model
        if not isinstance(model, SurvivalModel):
            return pd.DataFrame(index=features.index)
        X = features[self.feature_names].to_numpy(dtype=float)
        columns = {}
        for weeks in self.horizons:
            within = WithinWeeks(model, weeks)
            columns[horizon_column(weeks)] = gaps.probability(within, X, self.input_sample) if len(X) else X[:, 0]
        return pd.DataFrame(columns, index=features.index)

    def predict(self, valid: pd.DataFrame) -> np.ndarray:
        """Dropout probability (0-1) for validated contract rows, shape (n,)."""
        return self.predict_features(self.features(valid))


def load_bundle(model_path: Path, card_path: Path, pinned_sha256: str | None = None) -> ModelBundle:
    """Load the model after checking its SHA-256 against the card (and the deployment's pin, when set).

    The card lies beside the model, so a swapped model with a matching card would pass the first check;
    a hash pinned in the deployment's secrets does not move with them.
    """
    card = json.loads(Path(card_path).read_text())
    actual = sha256_of_file(model_path)
    if pinned_sha256 is not None and actual != pinned_sha256:
        raise ModelIntegrityError(
            f"The model file {Path(model_path).name} is not the one this installation accepts "
            f"(SHA-256 {actual[:12]}… found, {pinned_sha256[:12]}… pinned in its settings); it was not loaded. "
            "Restore the approved model, or have your administrator pin the new one."
        )
    expected = card.get("model_sha256")
    if actual != expected:
        raise ModelIntegrityError(
            f"The model file {Path(model_path).name} does not match its model card "
            f"(SHA-256 {actual[:12]}… found, {str(expected)[:12]}… expected). "
            "It may have been altered or replaced; it was not loaded. Restore the model files or retrain."
        )
    stored = joblib.load(model_path)
    model: Predictor = TreeModel(stored) if isinstance(stored, lgb.Booster) else stored
    known = TreeModel | LinearModel
    if not isinstance(model, known) and not (isinstance(model, SurvivalModel) and isinstance(model.hazard, known)):
        raise ModelIntegrityError("The model file holds no model this version of the app knows; it was not loaded.")
    names = [entry["name"] for entry in card.get("features", [])]
    if list(model.feature_names) != names:
        raise ModelIntegrityError("The model file and its card list different features; it was not loaded.")
    try:
        feature_specs(names)
    except UnknownFeatureError as exc:
        raise ModelIntegrityError(
            f"The model needs features this version of the app cannot build ({exc.args[0]}); it was not loaded."
        ) from None
    log.info("loaded model %s", card.get("model_version"))
    return ModelBundle(model=model, card=card, folder=Path(model_path).parent)


def load_holdout(path: Path, contract: Contract) -> pd.DataFrame:
    """The scored test split that ships with a model: contract columns, site, dropout and probability."""
    return load_cohort(Path(path).read_bytes(), Path(path).name, contract).valid
