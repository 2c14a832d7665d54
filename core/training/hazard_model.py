"""A discrete-time hazard model: the chance a patient leaves in a given week, given they are still in the trial.

Fitted as a binary classifier on person-period rows (``core.training.person_period``): the same small
LightGBM models and regularised logistic regressions the landmark models use (``core.training.candidates``),
with the trial's rhythm in the features. From the weekly hazards h_j of the coming weeks,
the survival curve is S(j) = (1 - h_1) ... (1 - h_j), which can never rise, and the chance of leaving within
N weeks is 1 - S(N).

Looking ahead from a row (a patient as known today), only the clock moves: the coming weeks' rows keep the
patient's features as they are today and advance ``week``, ``log_week`` and ``fraction_elapsed``. So a
prediction uses nothing the team does not know today.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import lightgbm as lgb
import numpy as np
import pandas as pd

from core.model.predictors import Calibration, LinearModel, Predictor, TreeModel, fit_linear
from core.training.candidates import _LIGHTGBM_BASE, LIGHTGBM, LOGISTIC, Candidate
from core.training.period_features import MONOTONE, PERIOD_FEATURES

HORIZONS = (4, 8, 12)  # weeks
DAYS_PER_WEEK = 7.0
# Person-period rows are many (a patient per week) and events rare, so fewer, larger boosting steps; one
# thread, because on a shared machine two threads wait on each other (measured ten times slower).
CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "LightGBM, 4 leaves",
        LIGHTGBM,
        {"num_leaves": 4, "min_data_in_leaf": 80, "learning_rate": 0.06, "lambda_l2": 5.0, "num_boost_round": 80},
    ),
    Candidate(
        "LightGBM, 3 leaves, subsampled",
        LIGHTGBM,
        {
            "num_leaves": 3,
            "min_data_in_leaf": 120,
            "learning_rate": 0.05,
            "lambda_l2": 10.0,
            "bagging_fraction": 0.7,
            "bagging_freq": 1,
            "feature_fraction": 0.8,
            "num_boost_round": 100,
        },
    ),
    Candidate("Logistic regression, strong penalty", LOGISTIC, {"c": 0.03}),
    Candidate("Logistic regression, mild penalty", LOGISTIC, {"c": 0.3}),
)


def horizon_column(weeks: int) -> str:
    """The scored frame's column for the chance of leaving within ``weeks`` weeks (shared naming contract)."""
    return f"chance_within_{weeks}_weeks"


def fit_candidate(candidate: Candidate, X: np.ndarray, y: np.ndarray, names: list[str]) -> Predictor:
    """The candidate fitted on person-period rows (uncalibrated)."""
    if candidate.family == LOGISTIC:
        model: LinearModel = fit_linear(X, y, names, {}, candidate.params["c"])
        return model
    params = dict(candidate.params)
    rounds = int(params.pop("num_boost_round"))
    monotone = [MONOTONE.get(name, 0) for name in names]
    data = lgb.Dataset(X, y, feature_name=list(names), free_raw_data=False)
    booster = lgb.train(
        {**_LIGHTGBM_BASE, **params, "num_threads": 1, "monotone_constraints": monotone}, data, num_boost_round=rounds
    )
    return TreeModel(booster)


def calibrated(model: Predictor, calibration: Calibration) -> Predictor:
    if isinstance(model, TreeModel):
        return TreeModel(model.booster, calibration)
    assert isinstance(model, LinearModel)
    return replace(model, calibration=calibration)


def planned_from(features: pd.DataFrame, planned_days: np.ndarray | None) -> np.ndarray:
    """Each row's planned length in days: as given, else read back from week / fraction elapsed."""
    if planned_days is not None:
        return np.asarray(planned_days, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return features["week"].to_numpy() * DAYS_PER_WEEK / features["fraction_elapsed"].to_numpy()


@dataclass
class HazardModel:
    """A fitted, calibrated weekly hazard model and the features it reads (in order)."""

    family: str
    candidate: str
    predictor: Predictor
    feature_names: list[str]

    def hazard(self, features: pd.DataFrame) -> np.ndarray:
        return self.predictor.probability(features[self.feature_names].to_numpy(dtype=float))

    def survival(self, features: pd.DataFrame, weeks: int, planned_days: np.ndarray | None = None) -> np.ndarray:
        """(rows, weeks): the chance of still being in the trial after each of the coming ``weeks`` weeks."""
        n = len(features)
        if n == 0 or weeks <= 0:
            return np.ones((n, max(weeks, 0)))
        X = features[self.feature_names].to_numpy(dtype=float)
        stacked = np.tile(X, (weeks, 1))
        step = np.repeat(np.arange(weeks, dtype=float), n)
        week = np.tile(features["week"].to_numpy(dtype=float), weeks) + step
        planned = np.tile(planned_from(features, planned_days), weeks)
        clock = {"week": week, "log_week": np.log1p(week), "fraction_elapsed": week * DAYS_PER_WEEK / planned}
        for name, values in clock.items():
            if name in self.feature_names:
                stacked[:, self.feature_names.index(name)] = values
        hazards = self.predictor.probability(stacked).reshape(weeks, n).T
        return np.cumprod(1.0 - hazards, axis=1)

    def chances(
        self, features: pd.DataFrame, horizons: tuple[int, ...] = HORIZONS, planned_days: np.ndarray | None = None
    ) -> pd.DataFrame:
        """The chance of leaving within each horizon (columns ``chance_within_N_weeks``), one row per patient."""
        curve = self.survival(features, max(horizons), planned_days)
        return pd.DataFrame({horizon_column(h): 1.0 - curve[:, h - 1] for h in horizons}, index=features.index)


def leave_before(survival: np.ndarray, weeks_left: np.ndarray) -> np.ndarray:
    """1 - S(weeks left) per row (the chance of leaving before the planned end); 0 when no week is left."""
    weeks_left = np.clip(np.asarray(weeks_left, dtype=int), 0, survival.shape[1])
    padded = np.hstack([np.ones((len(survival), 1)), survival])
    return 1.0 - padded[np.arange(len(survival)), weeks_left]


FEATURE_NAMES = list(PERIOD_FEATURES)
