"""Train the bundled generic model on the synthetic history and write its files and card.

Split: whole sites go to train (60%), validation (20%) or test (20%), so the test metrics say how
the model does at sites it never saw. The test split is touched once, after every choice
(model size, early stopping, threshold) was made on validation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import lightgbm as lgb
import numpy as np
import pandas as pd
import shap
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS, CostSettings, break_even_risk
from core.decisions.curves import ThresholdCurves
from core.model.bundle import sha256_of_file
from core.model.drift import reference_profile
from core.model.features import STANDARD_FEATURES, build_features, feature_specs
from core.paths import HOLDOUT_FILE, MODEL_CARD_FILE, MODEL_FILE
from core.reading.contract import CONTRACT, OUTCOME_COLUMN, SITE_COLUMN
from core.reading.validation import SOURCE_ROW, load_cohort
from core.settings import FACTORY_REFERENCE_THRESHOLD
from core.stats.metrics import calibration_table, metric_summary

log = logging.getLogger(__name__)

MODEL_FAMILY_VERSION = "1.0"
FEATURE_NAMES = STANDARD_FEATURES
CATEGORICAL_FEATURES = tuple(f.name for f in feature_specs(FEATURE_NAMES) if f.categorical)
LEVELS = {name: list(CONTRACT[name].levels) for name in CATEGORICAL_FEATURES}
SPLIT_SEED = 7
# Candidate tree shapes. The learning rate is high enough that early stopping ends at ~100 trees:
# explaining costs grow with trees x leaves x depth, and the product must explain 10k patients in < 2 s.
CANDIDATES = ({"num_leaves": 7, "max_depth": 3}, {"num_leaves": 15, "max_depth": 4}, {"num_leaves": 31, "max_depth": 5})
BASE_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.1,
    "min_data_in_leaf": 50,
    "lambda_l2": 1.0,
    "cat_smooth": 10,
    "verbose": -1,
    "deterministic": True,
    "force_col_wise": True,
    "num_threads": 2,
    "seed": 1,
}


def split_by_site(sites: np.ndarray, seed: int = SPLIT_SEED) -> dict[str, np.ndarray]:
    """Boolean masks for train/validation/test, assigning whole sites (60/20/20 of sites)."""
    unique = np.array(sorted(set(sites)))
    np.random.default_rng(seed).shuffle(unique)
    n_test = n_val = max(1, round(len(unique) * 0.2))
    test_sites, val_sites = set(unique[:n_test]), set(unique[n_test : n_test + n_val])
    test = np.isin(sites, list(test_sites))
    val = np.isin(sites, list(val_sites))
    return {"train": ~test & ~val, "validation": val, "test": test}


def _fit_lightgbm(X: pd.DataFrame, y: np.ndarray, masks: dict[str, np.ndarray], shape: dict) -> lgb.Booster:
    train = lgb.Dataset(
        X[masks["train"]].to_numpy(),
        y[masks["train"]],
        feature_name=list(FEATURE_NAMES),
        categorical_feature=[FEATURE_NAMES.index(n) for n in CATEGORICAL_FEATURES],
        free_raw_data=False,
    )
    val = lgb.Dataset(X[masks["validation"]].to_numpy(), y[masks["validation"]], reference=train)
    return lgb.train(
        {**BASE_PARAMS, **shape},
        train,
        num_boost_round=1000,
        valid_sets=[val],
        callbacks=[lgb.early_stopping(50, verbose=False)],
    )


def _explain_ms_per_row(booster: lgb.Booster, X: np.ndarray) -> float:
    explainer = shap.TreeExplainer(booster)
    start = time.perf_counter()
    explainer.shap_values(X)
    return (time.perf_counter() - start) * 1000 / len(X)


def choose_model(X: pd.DataFrame, y: np.ndarray, masks: dict[str, np.ndarray]) -> tuple[lgb.Booster, list[dict]]:
    """Fit every candidate shape; keep the lowest validation log loss. Returns it and the trade-off table."""
    val_X = X[masks["validation"]].to_numpy()
    val_y = y[masks["validation"]]
    fitted, table = [], []
    for shape in CANDIDATES:
        booster = _fit_lightgbm(X, y, masks, shape)
        booster = lgb.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
        p = booster.predict(val_X)
        fitted.append(booster)
        table.append(
            {
                **shape,
                "trees": booster.num_trees(),
                "validation_log_loss": round(float(log_loss(val_y, p)), 5),
                "validation_roc_auc": round(float(roc_auc_score(val_y, p)), 4),
                "explain_ms_per_row_measured": round(_explain_ms_per_row(booster, val_X[:5000]), 4),
            }
        )
    best = int(np.argmin([row["validation_log_loss"] for row in table]))
    table[best]["chosen"] = True
    return fitted[best], table


def _chosen_shape(trade_off: list[dict]) -> dict:
    chosen = next(row for row in trade_off if row.get("chosen"))
    return {"num_leaves": chosen["num_leaves"], "max_depth": chosen["max_depth"]}


def standard_features(valid: pd.DataFrame) -> pd.DataFrame:
    """The generic model's features with the contract's category levels."""
    return build_features(valid, FEATURE_NAMES, LEVELS)


def _baseline_features(valid: pd.DataFrame) -> pd.DataFrame:
    return standard_features(valid).assign(**{c: valid[c].astype(str).to_numpy() for c in CATEGORICAL_FEATURES})


def fit_baselines(valid: pd.DataFrame, X: pd.DataFrame, y: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, dict]:
    """Test-split probabilities of a logistic regression and of the best single-feature rule."""
    frame = _baseline_features(valid)
    numeric = [f for f in FEATURE_NAMES if f not in CATEGORICAL_FEATURES]
    logistic = make_pipeline(
        ColumnTransformer([("num", StandardScaler(), numeric), ("cat", OneHotEncoder(), list(CATEGORICAL_FEATURES))]),
        LogisticRegression(max_iter=2000),
    ).fit(frame[masks["train"]], y[masks["train"]])
    baselines = {"logistic_regression": {"probability": logistic.predict_proba(frame[masks["test"]])[:, 1]}}

    # Single feature: the numeric feature that ranks best on train, turned into a probability
    # by isotonic regression fitted on train (a monotone "the longer the gap, the higher the risk" rule).
    train_auc = {f: abs(roc_auc_score(y[masks["train"]], X.loc[masks["train"], f]) - 0.5) for f in numeric}
    feature = max(train_auc, key=lambda name: train_auc[name])
    increasing = roc_auc_score(y[masks["train"]], X.loc[masks["train"], feature]) >= 0.5
    rule = IsotonicRegression(out_of_bounds="clip", increasing=increasing).fit(
        X.loc[masks["train"], feature], y[masks["train"]]
    )
    baselines["single_feature_rule"] = {"feature": feature, "probability": rule.predict(X.loc[masks["test"], feature])}
    return baselines


def decision_section(
    p: np.ndarray,
    y: np.ndarray,
    costs: CostSettings = FACTORY_COSTS,
    chosen_on: str = "validation split, lowest total program cost under the default costs",
) -> dict:
    """The default threshold: the lowest total program cost on predictions for patients the model never saw."""
    curves = ThresholdCurves(p, y)
    return {
        "default_threshold": curves.optimal_threshold(costs, None),
        "threshold_chosen_on": chosen_on,
        "reference_threshold": FACTORY_REFERENCE_THRESHOLD,
        "costs": {
            "intervention_cost": costs.intervention_cost,
            "dropout_cost": costs.dropout_cost,
            "effectiveness": costs.effectiveness,
        },
        "break_even_risk": round(break_even_risk(costs), 4),
        "bands": [
            {"name": b.name, "lower": b.lower, "action": b.action, "action_cost": b.action_cost} for b in FACTORY_BANDS
        ],
    }


def train(data_path: Path, out_dir: Path, n_boot: int = 300) -> dict:
    """Train, evaluate and write model.joblib, model_card.json and holdout_scored.csv into ``out_dir``."""
    raw = Path(data_path).read_bytes()
    result = load_cohort(raw, Path(data_path).name, CONTRACT)
    if len(result.problems):
        raise ValueError(f"training data has {result.n_invalid_rows} invalid rows; fix the generator first")
    valid = result.valid
    X = standard_features(valid)
    y = valid[OUTCOME_COLUMN].astype(int).to_numpy()
    masks = split_by_site(valid[SITE_COLUMN].to_numpy())

    booster, trade_off = choose_model(X, y, masks)
    test_p = np.asarray(booster.predict(X[masks["test"]].to_numpy()), dtype=float)
    val_p = np.asarray(booster.predict(X[masks["validation"]].to_numpy()), dtype=float)
    test_y = y[masks["test"]]

    metrics: dict[str, Any] = {"test": metric_summary(test_y, test_p, n_boot)}
    if "true_risk" in valid:
        oracle = valid.loc[masks["test"], "true_risk"].astype(float).to_numpy()
        oracle_summary = metric_summary(test_y, oracle, n_boot)
        metrics["test"]["oracle_roc_auc"] = oracle_summary["roc_auc"]
        metrics["test"]["oracle_brier"] = oracle_summary["brier"]
        metrics["test"]["roc_auc_share_of_oracle"] = round(
            metrics["test"]["roc_auc"]["value"] / oracle_summary["roc_auc"]["value"], 4
        )
    metrics["calibration_test"] = calibration_table(test_y, test_p)
    baselines = {
        name: {**{k: v for k, v in b.items() if k != "probability"}, **metric_summary(test_y, b["probability"], n_boot)}
        for name, b in fit_baselines(valid, X, y, masks).items()
    }

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / MODEL_FILE
    joblib.dump(booster, model_path)
    holdout = valid.loc[masks["test"]].drop(columns=[SOURCE_ROW]).assign(probability=np.round(test_p, 6))
    holdout.to_csv(out_dir / HOLDOUT_FILE, index=False)

    model_sha = sha256_of_file(model_path)
    card = {
        "model_version": f"{MODEL_FAMILY_VERSION}+{model_sha[:8]}",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "library_versions": {
            "lightgbm": lgb.__version__,
            "scikit-learn": sklearn.__version__,
            "shap": shap.__version__,
        },
        "model_sha256": model_sha,
        "model_file": model_path.name,
        "training_data": {
            "file": Path(data_path).name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "synthetic": True,
            "patients": int(len(valid)),
            "dropout_rate": round(float(y.mean()), 4),
            "sites": int(valid[SITE_COLUMN].nunique()),
            "split": {name: int(mask.sum()) for name, mask in masks.items()},
            "split_method": "whole sites assigned 60/20/20 to train/validation/test",
        },
        "training_data_sha256": hashlib.sha256(raw).hexdigest(),
        "features": [{"name": f.name, "description": f.description} for f in feature_specs(FEATURE_NAMES)],
        "category_levels": LEVELS,
        "hyperparameters": {**BASE_PARAMS, **_chosen_shape(trade_off), "trees": booster.num_trees()},
        "size_trade_off": trade_off,
        "metrics": metrics,
        "baselines": baselines,
        "decision": decision_section(val_p, y[masks["validation"]]),
        "input_reference": reference_profile(valid[masks["train"]], CONTRACT),
        "intended_use": (
            "Rank enrolled patients of a running trial by their risk of withdrawing, to plan retention outreach. "
            "Not for eligibility, randomisation, treatment or any clinical decision about a patient."
        ),
        "limitations": (
            "Trained and tested on synthetic data made by data/README.md's generator; on a real trial the "
            "figures must be re-measured before anyone relies on them."
        ),
    }
    (out_dir / MODEL_CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
    return card
