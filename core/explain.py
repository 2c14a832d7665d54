"""Why the model says what it says: SHAP contributions per patient and reasons in words.

Contributions are in log-odds: for each patient, base value + sum of contributions = the model's
raw score, and sigmoid(raw score) = the probability. Related features are summed into one
reason a coordinator recognises (visits attended and visit rate -> "attendance"), which SHAP's
additivity allows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shap

from core.config import TOP_REASONS
from core.features import FEATURE_NAMES, build_features
from core.model import ModelBundle

# Reason topic -> the features whose contributions it sums.
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "visit_gap": ("days_since_last_visit",),
    "attendance": ("visits_completed", "visits_per_30_days"),
    "adverse_events": ("adverse_events", "adverse_events_per_30_days"),
    "age": ("age",),
    "treatment_group": ("treatment_group",),
    "trial_phase": ("trial_phase",),
    "days_in_trial": ("days_in_trial",),
    "gender": ("gender",),
}
_GROUP_MATRIX = np.array([[f in feats for f in FEATURE_NAMES] for feats in REASON_GROUPS.values()], dtype=float).T


@dataclass
class Explanation:
    """Per-feature contributions (n, F) in log-odds and the base value (log-odds)."""

    contributions: pd.DataFrame
    base_value: float


def probability_from_log_odds(log_odds: float) -> float:
    """Turn a log-odds value into a probability (0-1)."""
    return float(1.0 / (1.0 + np.exp(-log_odds)))


def explainer_for(bundle: ModelBundle) -> shap.TreeExplainer:
    """The bundle's TreeExplainer, built once."""
    if bundle._explainer is None:
        bundle._explainer = shap.TreeExplainer(bundle.booster)
    return bundle._explainer


def explain_features(bundle: ModelBundle, features: pd.DataFrame) -> Explanation:
    """SHAP contributions (log-odds) for a feature frame from ``core.features``."""
    explainer = explainer_for(bundle)
    base = float(np.ravel(explainer.expected_value)[0])
    if len(features) == 0:  # LightGBM cannot predict zero rows
        return Explanation(pd.DataFrame(columns=list(FEATURE_NAMES), index=features.index, dtype=float), base)
    with warnings.catch_warnings():
        # shap notes a past change in its LightGBM output format; the shape is checked below.
        warnings.filterwarnings("ignore", message="LightGBM binary classifier", category=UserWarning)
        values = np.asarray(explainer.shap_values(features[list(FEATURE_NAMES)].to_numpy(dtype=float)))
    if values.shape != (len(features), len(FEATURE_NAMES)):
        raise RuntimeError(f"unexpected SHAP output shape {values.shape}")
    return Explanation(pd.DataFrame(values, columns=list(FEATURE_NAMES), index=features.index), base)


def explain(bundle: ModelBundle, valid: pd.DataFrame) -> Explanation:
    """SHAP contributions (log-odds) for validated contract rows."""
    return explain_features(bundle, build_features(valid))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe_topic(topic: str, row: dict) -> str:
    """The patient's own values behind a reason topic, in words."""
    days = int(row["days_in_trial"])
    if topic == "visit_gap":
        if int(row["last_visit_day"]) == 0:
            return f"No visit attended in {_plural(days, 'day')}"
        return f"{_plural(days - int(row['last_visit_day']), 'day')} since the last visit"
    if topic == "attendance":
        return f"{_plural(int(row['visits_completed']), 'visit')} attended in {_plural(days, 'day')}"
    if topic == "adverse_events":
        return f"{_plural(int(row['adverse_events']), 'adverse event')} in {_plural(days, 'day')}"
    if topic == "age":
        return f"Age {int(row['age'])}"
    if topic == "treatment_group":
        return f"{row['treatment_group']} arm"
    if topic == "trial_phase":
        return f"{row['trial_phase']} trial"
    if topic == "days_in_trial":
        return f"Day {days} of the trial"
    if topic == "gender":
        return f"Gender {row['gender']}"
    raise KeyError(topic)


def topic_contributions(explanation: Explanation) -> pd.DataFrame:
    """Contributions (log-odds) summed per reason topic, shape (n, topics)."""
    summed = explanation.contributions.to_numpy() @ _GROUP_MATRIX
    return pd.DataFrame(summed, columns=list(REASON_GROUPS), index=explanation.contributions.index)


def reasons(valid: pd.DataFrame, explanation: Explanation, top: int = TOP_REASONS) -> list[list[str]]:
    """For each patient, the ``top`` topics with the largest effect, e.g. "4 adverse events in 120 days: raises risk"."""
    topics = topic_contributions(explanation)
    values = topics.to_numpy().copy()
    names = list(topics.columns)
    # With no visit yet, "no visit in N days" and "0 visits in N days" are one fact: say it once.
    gap, attendance = names.index("visit_gap"), names.index("attendance")
    no_visit = valid["last_visit_day"].to_numpy() == 0
    values[no_visit, gap] += values[no_visit, attendance]
    values[no_visit, attendance] = 0.0
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]
    columns = ["days_in_trial", "last_visit_day", "visits_completed", "adverse_events", "age", "treatment_group", "trial_phase", "gender"]
    out = []
    for i, row in enumerate(valid[columns].to_dict("records")):
        words = []
        for j in order[i]:
            if abs(values[i, j]) < 1e-6:
                continue
            direction = "raises risk" if values[i, j] > 0 else "lowers risk"
            words.append(f"{describe_topic(names[j], row)}: {direction}")
        out.append(words)
    return out


def global_importance(explanation: Explanation) -> pd.DataFrame:
    """Mean absolute contribution (log-odds) per feature, largest first."""
    importance = explanation.contributions.abs().mean().sort_values(ascending=False)
    return importance.rename("mean_abs_contribution").rename_axis("feature").reset_index()
