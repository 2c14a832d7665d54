"""The fitted models a bundle can hold, each with exact per-feature contributions in log-odds.

* ``TreeModel``: a LightGBM booster; contributions are TreeSHAP values.
* ``LinearModel``: a regularised logistic regression on standardised numbers and one-hot categories;
  contributions are coefficient × (value − training mean), so they add up to the log-odds exactly.
Both may carry a ``Calibration`` (Platt scaling fitted inside the cross-validation): a straight line
on the log-odds, so contributions stay exact after scaling by its slope.

Every predictor takes the feature matrix built by ``core.model.features`` (categories as integer
codes, missing values as NaN).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Protocol

import lightgbm as lgb
import numpy as np
import shap
from sklearn.linear_model import LogisticRegression


class Predictor(Protocol):
    """What a bundle needs of a fitted model."""

    kind: str

    @property
    def feature_names(self) -> list[str]: ...

    def probability(self, X: np.ndarray) -> np.ndarray: ...

    def log_odds(self, X: np.ndarray) -> np.ndarray: ...

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]: ...


def sigmoid(log_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(log_odds, dtype=float)))


@dataclass(frozen=True)
class Calibration:
    """Platt scaling: calibrated log-odds = slope × log-odds + intercept."""

    slope: float = 1.0
    intercept: float = 0.0

    def apply(self, log_odds: np.ndarray) -> np.ndarray:
        return self.slope * np.asarray(log_odds, dtype=float) + self.intercept


def fit_calibration(log_odds: np.ndarray, outcome: np.ndarray, weight: np.ndarray | None = None) -> Calibration:
    """Platt scaling fitted on out-of-fold log-odds and the observed outcomes (rows weighted by ``weight``)."""
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(np.asarray(log_odds, dtype=float).reshape(-1, 1), np.asarray(outcome, dtype=int), sample_weight=weight)
    return Calibration(float(model.coef_[0, 0]), float(model.intercept_[0]))


class TreeModel:
    """A LightGBM booster: log-odds from the trees, exact SHAP contributions from TreeExplainer."""

    kind = "lightgbm"

    def __init__(self, booster: lgb.Booster, calibration: Calibration | None = None) -> None:
        self.booster = booster
        self.calibration = calibration or Calibration()
        self.explainer = shap.TreeExplainer(booster)  # ~20 ms, once per bundle

    @property
    def feature_names(self) -> list[str]:
        return list(self.booster.feature_name())

    def log_odds(self, X: np.ndarray) -> np.ndarray:
        return self.calibration.apply(np.asarray(self.booster.predict(X, raw_score=True), dtype=float))

    def probability(self, X: np.ndarray) -> np.ndarray:
        return sigmoid(self.log_odds(X))

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-feature log-odds contributions (n, F) and the base value (log-odds)."""
        with warnings.catch_warnings():
            # shap notes a past change in its LightGBM output format; the shape is checked by the caller.
            warnings.filterwarnings("ignore", message="LightGBM binary classifier", category=UserWarning)
            values = np.asarray(self.explainer.shap_values(X))
        base = float(np.ravel(self.explainer.expected_value)[0])
        return values * self.calibration.slope, float(self.calibration.apply(np.array(base)))

    def __getstate__(self) -> dict:
        return {"booster": self.booster, "calibration": self.calibration}  # the explainer is rebuilt on load

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["booster"], state["calibration"])  # type: ignore[misc]


@dataclass
class LinearModel:
    """Logistic regression on standardised numeric features and one-hot categorical codes."""

    feature_names: list[str]
    categorical: dict[str, int]  # feature -> number of levels (codes 0..n-1)
    means: dict[str, float]  # numeric feature -> training mean (also what a missing value becomes)
    scales: dict[str, float]  # numeric feature -> training standard deviation
    numeric_weights: dict[str, float]  # per standardised unit
    level_weights: dict[str, np.ndarray]  # categorical feature -> weight per level
    level_shares: dict[str, np.ndarray]  # categorical feature -> training share of each level
    intercept: float
    calibration: Calibration = field(default_factory=Calibration)
    kind: str = "logistic_regression"

    def _raw_contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]:
        X = np.asarray(X, dtype=float)
        out = np.zeros_like(X)
        base = self.intercept
        for j, name in enumerate(self.feature_names):
            column = X[:, j]
            if name in self.categorical:
                weights, shares = self.level_weights[name], self.level_shares[name]
                expected = float(weights @ shares)  # a missing or unseen level contributes nothing
                known = np.isfinite(column) & (column >= 0) & (column < len(weights))
                codes = np.where(known, column, 0).astype(int)
                out[:, j] = np.where(known, weights[codes] - expected, 0.0)
                base += expected
            else:
                filled = np.where(np.isfinite(column), column, self.means[name])
                out[:, j] = self.numeric_weights[name] * (filled - self.means[name]) / self.scales[name]
        return out, base

    def log_odds(self, X: np.ndarray) -> np.ndarray:
        values, base = self._raw_contributions(X)
        return self.calibration.apply(base + values.sum(axis=1))

    def probability(self, X: np.ndarray) -> np.ndarray:
        return sigmoid(self.log_odds(X))

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]:
        values, base = self._raw_contributions(X)
        return values * self.calibration.slope, float(self.calibration.apply(np.array(base)))


def fit_linear(
    X: np.ndarray,
    y: np.ndarray,
    feature_names: list[str],
    categorical: dict[str, int],
    c: float,
    weight: np.ndarray | None = None,
) -> LinearModel:
    """A regularised (L2, strength 1/c) logistic regression on our own design matrix, kept as plain numbers."""
    X = np.asarray(X, dtype=float)
    means, scales, shares = {}, {}, {}
    columns = []
    for j, name in enumerate(feature_names):
        column = X[:, j]
        if name in categorical:
            levels = categorical[name]
            known = np.isfinite(column) & (column >= 0) & (column < levels)
            counts = np.bincount(column[known].astype(int), minlength=levels).astype(float)
            shares[name] = counts / max(counts.sum(), 1.0)
            onehot = np.zeros((len(column), levels))
            onehot[np.flatnonzero(known), column[known].astype(int)] = 1.0
            onehot[~known] = shares[name]  # missing: the training mix, so it moves nothing
            columns.append(onehot)
        else:
            finite = column[np.isfinite(column)]
            means[name] = float(finite.mean()) if len(finite) else 0.0
            scales[name] = float(finite.std()) if len(finite) and finite.std() > 0 else 1.0
            columns.append(((np.where(np.isfinite(column), column, means[name]) - means[name]) / scales[name])[:, None])
    design = np.hstack(columns)
    model = LogisticRegression(C=c, max_iter=5000).fit(design, np.asarray(y, dtype=int), sample_weight=weight)
    weights = model.coef_[0]
    numeric_weights, level_weights, at = {}, {}, 0
    for name in feature_names:
        width = categorical.get(name, 1)
        if name in categorical:
            level_weights[name] = weights[at : at + width].copy()
        else:
            numeric_weights[name] = float(weights[at])
        at += width
    return LinearModel(
        list(feature_names),
        dict(categorical),
        means,
        scales,
        numeric_weights,
        level_weights,
        shares,
        float(model.intercept_[0]),
    )
