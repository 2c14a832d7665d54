"""Tables, words and cached computations for the Model page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.decisions.metrics import precision_recall_points, roc_points
from core.model.bundle import ModelBundle, load_holdout
from core.model.explain import explain_features, global_importance
from core.model.features import feature_specs
from core.output.numbers import interval
from core.reading.contract import OUTCOME_COLUMN

EXPLAIN_SAMPLE = 3000  # patients of the test split explained for the global plots


def metrics_table(card: dict) -> pd.DataFrame:
    """One row per metric: model, ceiling, baselines (values with 95% intervals)."""
    test = card["metrics"]["test"]
    logistic = card["baselines"]["logistic_regression"]
    rule = card["baselines"]["single_feature_rule"]
    rows = [
        ("Ranking quality, ROC AUC (higher is better; 0.5 = chance)", "roc_auc", "oracle_roc_auc"),
        ("Precision-recall AUC (higher is better)", "pr_auc", None),
        ("Brier score (lower is better)", "brier", "oracle_brier"),
        ("Calibration error, ECE (lower is better)", "ece", None),
    ]
    return pd.DataFrame(
        [
            {
                "Measure": label,
                "This model": interval(test[key]),
                "Best possible on this data": interval(test[oracle]) if oracle else "–",
                "Logistic regression": interval(logistic[key]),
                f"Single rule ({rule['feature'].replace('_', ' ')})": interval(rule[key]),
            }
            for label, key, oracle in rows
        ]
    )


def metrics_in_words(card: dict) -> str:
    test = card["metrics"]["test"]
    auc = test["roc_auc"]["value"]
    share = test.get("roc_auc_share_of_oracle")
    text = (
        f"- Picking one patient who dropped out and one who stayed, the model gives the dropout the higher estimate "
        f"**{auc:.1%}** of the time (ROC AUC {auc:.2f}).\n"
        f"- In the test split, {test['prevalence']:.1%} of patients dropped out: a list in random order would find "
        f"dropouts at that rate.\n"
    )
    if share is not None:
        text += (
            f"- The data are synthetic, so the best any model could do is known: this model reaches "
            f"**{share:.1%}** of that ceiling.\n"
        )
    return text


def about_in_words(card: dict) -> str:
    data = card["training_data"]
    decision = card["decision"]
    versions = ", ".join(f"{k} {v}" for k, v in card["library_versions"].items())
    return (
        f"**Intended use.** {card['intended_use']}\n\n"
        f"**Limitations.** {card['limitations']}\n\n"
        f"**Training data.** {data['patients']:,} patients from {data['sites']} sites, dropout rate {data['dropout_rate']:.1%}, "
        f"split by whole sites ({data['split']['train']:,} train, {data['split']['validation']:,} validation, "
        f"{data['split']['test']:,} test). File `{data['file']}`, SHA-256 `{card['training_data_sha256'][:16]}…`.\n\n"
        f"**Model.** Version `{card['model_version']}`, created {card['created_at']}, LightGBM with "
        f"{card['hyperparameters']['trees']} trees of at most {card['hyperparameters']['num_leaves']} leaves; {versions}. "
        f"Model file SHA-256 `{card['model_sha256'][:16]}…` (checked every time the app loads it).\n\n"
        f"**Default threshold.** {decision['default_threshold']:.2f}, chosen on the validation split as the lowest "
        f"program cost at ${decision['costs']['intervention_cost']:,.0f} per intervention and "
        f"${decision['costs']['dropout_cost']:,.0f} per dropout."
    )


@dataclass
class HoldoutView:
    roc: dict[str, np.ndarray]
    pr: dict[str, np.ndarray]
    importance: pd.DataFrame
    contributions: pd.DataFrame
    features: pd.DataFrame
    feature_display: pd.DataFrame  # categories as labels, for axes


@st.cache_data(show_spinner="Explaining the test split…", max_entries=2)
def holdout(model_sha256: str, _bundle: ModelBundle) -> HoldoutView:
    """Curves and SHAP summaries on the shipped test split (cached per model file)."""
    frame = load_holdout(_bundle.predictions_path, _bundle.contract)
    y = frame[OUTCOME_COLUMN].astype(int).to_numpy()
    p = frame["probability"].to_numpy(dtype=float)
    sample = frame.sample(min(EXPLAIN_SAMPLE, len(frame)), random_state=0)
    features = _bundle.features(sample)
    explanation = explain_features(_bundle, features)
    display = features.copy()
    levels = _bundle.category_levels
    for spec in feature_specs(_bundle.feature_names):
        if spec.categorical:
            display[spec.name] = pd.Categorical.from_codes(
                features[spec.name].fillna(-1).astype(int), levels[spec.name]
            )
    return HoldoutView(
        roc_points(y, p),
        precision_recall_points(y, p),
        global_importance(explanation),
        explanation.contributions[_bundle.feature_names],
        features,
        display,
    )
