"""Why the model says what it says: contributions per patient and reasons in words.

Contributions are in log-odds: for each patient, base value + sum of contributions = the model's raw
score, and sigmoid(raw score) = the probability. Features of one topic (``core.model.features``) are
summed into one reason a coordinator recognises, which additivity allows. Two topics whose words
come out the same for a patient ("No visit attended in 30 days") are one fact and are said once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.model.bundle import ModelBundle
from core.model.features import ALL_INPUTS, TOPICS_BY_NAME, feature_specs, with_inputs


@dataclass
class Explanation:
    """Per-feature contributions (n, F) in log-odds and the base value (log-odds)."""

    contributions: pd.DataFrame
    base_value: float


def probability_from_log_odds(log_odds: float) -> float:
    """Turn a log-odds value into a probability (0-1)."""
    return float(1.0 / (1.0 + np.exp(-log_odds)))


def explain_features(bundle: ModelBundle, features: pd.DataFrame) -> Explanation:
    """Contributions (log-odds) for a feature frame from ``bundle.features``."""
    names = bundle.feature_names
    if len(features) == 0:  # LightGBM cannot explain zero rows; the base value needs one
        _, base = bundle.contributions(np.zeros((1, len(names))))
        return Explanation(pd.DataFrame(columns=names, index=features.index, dtype=float), base)
    values, base = bundle.contributions(features[names].to_numpy(dtype=float))
    if values.shape != (len(features), len(names)):
        raise RuntimeError(f"unexpected contribution shape {values.shape}")
    return Explanation(pd.DataFrame(values, columns=names, index=features.index), base)


def explain(bundle: ModelBundle, valid: pd.DataFrame) -> Explanation:
    """Contributions (log-odds) for validated contract rows."""
    return explain_features(bundle, bundle.features(valid))


def topic_names(feature_names: list[str]) -> list[str]:
    """The reason topics of these features, in the order of their first feature."""
    return list(dict.fromkeys(f.topic for f in feature_specs(feature_names)))


def topic_contributions(explanation: Explanation) -> pd.DataFrame:
    """Contributions (log-odds) summed per reason topic, shape (n, topics)."""
    names = list(explanation.contributions.columns)
    topics = topic_names(names)
    membership = np.array([[f.topic == t for t in topics] for f in feature_specs(names)], dtype=float)
    summed = explanation.contributions.to_numpy(dtype=float) @ membership
    return pd.DataFrame(summed, columns=topics, index=explanation.contributions.index)


def topic_words(valid: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """Each topic in words with each patient's own values, shape (n, topics)."""
    valid = with_inputs(valid, ALL_INPUTS)
    return pd.DataFrame({t: TOPICS_BY_NAME[t].words(valid).to_numpy() for t in topics}, index=valid.index)


def _merge_same_words(values: np.ndarray, words: np.ndarray) -> None:
    """Where two topics read the same for a patient, add the later one's effect to the earlier (in place)."""
    for a in range(words.shape[1]):
        for b in range(a + 1, words.shape[1]):
            same = words[:, a] == words[:, b]
            values[same, a] += values[same, b]
            values[same, b] = 0.0


def reasons(valid: pd.DataFrame, explanation: Explanation, top: int) -> list[list[str]]:
    """For each patient, the ``top`` topics with the largest effect, e.g. "4 adverse events in 120 days: raises risk"."""
    topics = topic_contributions(explanation)
    names = list(topics.columns)
    values = topics.to_numpy().copy()
    words = topic_words(valid, names).to_numpy(dtype=object)
    _merge_same_words(values, words)
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]
    out = []
    for i in range(len(values)):
        row = []
        for j in order[i]:
            if abs(values[i, j]) < 1e-6:
                continue
            row.append(f"{words[i, j]}: {'raises risk' if values[i, j] > 0 else 'lowers risk'}")
        out.append(row)
    return out


def global_importance(explanation: Explanation) -> pd.DataFrame:
    """Mean absolute contribution (log-odds) per feature, largest first."""
    importance = explanation.contributions.abs().mean().sort_values(ascending=False)
    return importance.rename("mean_abs_contribution").rename_axis("feature").reset_index()
