"""Fitting the weekly hazard: the candidates, one fit, and the fitted model as survival (``core.model.time_model``).

Fitted as a binary classifier on person-period rows (``core.training.person_period``): small LightGBM models
and regularised logistic regressions like the landmark models' (``core.training.candidates``), calibrated
(Platt) on inner out-of-fold log-odds; fitted by ``core.training.candidates.fit`` (the feature table's
directions kept by the trees).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.model.predictors import Calibration, LinearModel, Predictor, TreeModel
from core.model.time_model import DAYS_PER_WEEK, SurvivalModel
from core.training.candidates import LIGHTGBM, LOGISTIC, Candidate

# Person-period rows are many (a patient per week) and events rare, so fewer, larger boosting steps.
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


def calibrated(model: Predictor, calibration: Calibration) -> Predictor:
    if isinstance(model, TreeModel):
        return TreeModel(model.booster, calibration)
    assert isinstance(model, LinearModel)
    return replace(model, calibration=calibration)


@dataclass
class HazardFit:
    """One fitted, calibrated hazard: its family, the candidate chosen, the inner log loss, the model."""

    family: str
    candidate: Candidate
    calibration: Calibration
    inner_log_loss: float
    model: SurvivalModel

    def survival(self, X: np.ndarray, weeks: int) -> np.ndarray:
        return self.model.survival(X, weeks)


def survival_model(hazard: Predictor, planned: np.ndarray, week: np.ndarray, sample: np.ndarray) -> SurvivalModel:
    """The hazard as survival, counting weeks to the rows' typical planned length, and its explanation offset."""
    finite = np.asarray(planned, dtype=float)
    finite = finite[np.isfinite(finite)]
    longest = int(np.max(week)) + 1 if len(week) else 1
    planned_days = float(np.median(finite)) if len(finite) else float(longest * DAYS_PER_WEEK)
    return SurvivalModel(hazard, planned_days, longest).with_offset(sample)
