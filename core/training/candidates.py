"""The models a trial-trained version may be: small LightGBM models and a regularised logistic regression.

A few hundred patients do not support a big model: few leaves, many patients per leaf, strong
regularisation, and the directions nobody doubts fixed as monotone constraints (a longer gap since the
last visit never lowers the risk). Each family has two settings; which one fits a trial is chosen inside
the cross-validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np

from core.model.features import feature_specs
from core.model.predictors import LinearModel, Predictor, TreeModel, fit_linear

LIGHTGBM, LOGISTIC = "lightgbm", "logistic_regression"
FAMILIES = (LIGHTGBM, LOGISTIC)
SEED = 17
_LIGHTGBM_BASE = {
    "objective": "binary",
    "verbose": -1,
    "deterministic": True,
    "force_col_wise": True,
    # One thread: on a few thousand rows threads cost more than they give, and on a busy two-core machine two
    # threads spin-wait (300 rounds on 950 rows: 11 s with two, 0.25 s with one).
    "num_threads": 1,
    "seed": SEED,
    "bagging_seed": SEED,
    "feature_fraction_seed": SEED,
}


@dataclass(frozen=True)
class Candidate:
    name: str
    family: str
    params: dict[str, Any] = field(default_factory=dict)


CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "LightGBM, 4 leaves",
        LIGHTGBM,
        {"num_leaves": 4, "min_data_in_leaf": 40, "learning_rate": 0.03, "lambda_l2": 5.0, "num_boost_round": 150},
    ),
    Candidate(
        "LightGBM, 3 leaves, subsampled",
        LIGHTGBM,
        {
            "num_leaves": 3,
            "min_data_in_leaf": 60,
            "learning_rate": 0.02,
            "lambda_l2": 10.0,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "feature_fraction": 0.8,
            "num_boost_round": 300,
        },
    ),
    Candidate("Logistic regression, strong penalty", LOGISTIC, {"c": 0.03}),
    Candidate("Logistic regression, mild penalty", LOGISTIC, {"c": 0.3}),
)


def category_sizes(feature_names: list[str], levels: dict[str, list[str]]) -> dict[str, int]:
    return {f.name: len(levels[f.name]) for f in feature_specs(feature_names) if f.categorical}


def fit(
    candidate: Candidate,
    X: np.ndarray,
    y: np.ndarray,
    feature_names: list[str],
    levels: dict[str, list[str]],
    weight: np.ndarray | None = None,
) -> Predictor:
    """The candidate fitted on these rows (uncalibrated; rows weighted by ``weight``, the censoring weights)."""
    categories = category_sizes(feature_names, levels)
    if candidate.family == LOGISTIC:
        model: LinearModel = fit_linear(X, y, feature_names, categories, candidate.params["c"], weight)
        return model
    params = dict(candidate.params)
    rounds = int(params.pop("num_boost_round"))
    monotone = [f.monotone for f in feature_specs(feature_names)]
    categorical = [i for i, name in enumerate(feature_names) if name in categories]
    data = lgb.Dataset(
        X, y, weight=weight, feature_name=list(feature_names), categorical_feature=categorical, free_raw_data=False
    )
    booster = lgb.train({**_LIGHTGBM_BASE, **params, "monotone_constraints": monotone}, data, num_boost_round=rounds)
    return TreeModel(booster)
