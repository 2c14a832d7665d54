"""Tables, words and cached computations for the Model page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.formatting import interval
from core.model import card_words
from core.model.bundle import ModelBundle, load_holdout
from core.model.explain import explain_features, global_importance
from core.model.features import feature_specs
from core.reading.contract import OUTCOME_COLUMN
from core.stats.metrics import precision_recall_points, roc_points
from core.training.candidates import LIGHTGBM
from core.training.trial_versions import FAMILY_LABELS

EXPLAIN_SAMPLE = 3000  # patients of the test split explained for the global plots


MEASURES = (
    ("Ranking quality, ROC AUC (higher is better; 0.5 = chance)", "roc_auc", "oracle_roc_auc"),
    ("Precision-recall AUC (higher is better)", "pr_auc", None),
    ("Brier score (lower is better)", "brier", "oracle_brier"),
    ("Calibration error, ECE (lower is better)", "ece", None),
)


def family_words(kind: str) -> str:
    """A model family in running text: "LightGBM", "logistic regression", "time to dropout (weekly hazard)"."""
    label = FAMILY_LABELS.get(kind, FAMILY_LABELS[LIGHTGBM])
    return label if label.startswith("LightGBM") else label[0].lower() + label[1:]


def metrics_table(card: dict) -> pd.DataFrame:
    """One row per measure: the model, the ceiling (synthetic data only), what it is compared with."""
    test = card_words.headline(card)
    others = card_words.compared(card)
    rows = []
    for label, key, oracle in MEASURES:
        row = {"Measure": label, "This model": interval(test[key])}
        if "oracle_roc_auc" in test:  # synthetic data: the generator's true risk is the ceiling
            row["Best possible on this data"] = interval(test[oracle]) if oracle in test else "–"
        for name, figures in others:
            row[name] = interval(figures[key]) if key in figures else "–"
        rows.append(row)
    return pd.DataFrame(rows)


def landmark_table(card: dict) -> pd.DataFrame | None:
    """ROC AUC by landmark day for the model and what it is compared with (cross-validated cards only)."""
    found = card_words.by_landmark(card)
    if not found:
        return None
    days = sorted({int(d) for figures in found.values() for d in figures})
    return pd.DataFrame(
        [
            {"Model": label, **{f"Day {d}": interval(figures[str(d)]["roc_auc"], 2) for d in days if str(d) in figures}}
            for label, figures in found.items()
        ]
    )


def metrics_in_words(card: dict) -> str:
    test = card_words.headline(card)
    auc = test["roc_auc"]["value"]
    share = test.get("roc_auc_share_of_oracle")
    text = (
        f"- Picking one patient who dropped out and one who stayed, the model gives the dropout the higher estimate "
        f"**{auc:.1%}** of the time (ROC AUC {auc:.2f}).\n"
        f"- Among the patients it was measured on, {test['prevalence']:.1%} dropped out: a list in random order "
        "would find dropouts at that rate.\n"
    )
    if share is not None:
        text += (
            f"- The data are synthetic, so the best any model could do is known: this model reaches "
            f"**{share:.1%}** of that ceiling.\n"
        )
    if card_words.is_cross_validated(card) and "per_landmark" in card.get("metrics", {}):
        text += (
            "- That figure is for one moment: it is computed within each landmark day (the patients in front of "
            "the team that day, as a weekly list ranks them) and averaged over the days; each day's is in the "
            "table by landmark day below.\n"
        )
        pooled = card_words.pooled_words(card)
        if pooled:
            text += f"- {pooled}\n"
    elif card_words.is_cross_validated(card):
        text += (
            "- The figure above pools every landmark day. On one week's list (a single day, the table by landmark "
            "day below), patients are harder to tell apart: those figures are the ones to expect each week.\n"
        )
    if card_words.is_cross_validated(card):
        recommendation = card.get("recommendation", {})
        if recommendation.get("words"):
            text += f"- {recommendation['words']}\n"
        against = card_words.against_in_use(card)
        if against:
            text += f"- {against}\n"
    return text


def about_in_words(card: dict) -> str:
    data = card["training_data"]
    decision = card["decision"]
    versions = ", ".join(f"{k} {v}" for k, v in card["library_versions"].items())
    kind = family_words(str(card.get("model_kind", "")))
    parameters = card["hyperparameters"]
    size = (
        f"{parameters['trees']} trees of at most {parameters['num_leaves']} leaves"
        if "trees" in parameters
        else str(parameters.get("candidate", ""))
    )
    if card_words.is_cross_validated(card):
        split = f"{data['landmark_rows']:,} landmark rows (days {', '.join(str(d) for d in data['landmarks'])}); "
        split += card["evaluation"]["in_words"]
    else:
        split = (
            f"split by whole sites ({data['split']['train']:,} train, {data['split']['validation']:,} validation, "
            f"{data['split']['test']:,} test)"
        )
    return (
        f"**Intended use.** {card['intended_use']}\n\n"
        f"**Limitations.** {card['limitations']}\n\n"
        f"**Training data.** {card_words.trained_on(card)}, dropout rate {data['dropout_rate']:.1%}; {split}. "
        f"File(s) `{data['file']}`, SHA-256 `{card['training_data_sha256'][:16]}…`.\n\n"
        f"**Model.** Version `{card['model_version']}`, created {card['created_at']}, {kind} ({size}); {versions}"
        + (f"; code `{card['code_version']}`" if card.get("code_version") else "")
        + f". Model file SHA-256 `{card['model_sha256'][:16]}…` (checked every time the app loads it).\n\n"
        f"**Default threshold.** {decision['default_threshold']:.2f}, chosen on {decision['threshold_chosen_on']}, "
        f"at ${decision['costs']['intervention_cost']:,.0f} per intervention and "
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


@st.cache_data(show_spinner="Explaining the patients the model was measured on…", max_entries=2)
def holdout(model_sha256: str, _bundle: ModelBundle) -> HoldoutView:
    """Curves and SHAP summaries on the version's held-out or cross-validated predictions (cached per model file)."""
    path = _bundle.predictions_path
    if path is None:
        raise FileNotFoundError(f"model {_bundle.version} ships no held-out predictions")
    frame = load_holdout(path, _bundle.contract)
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
