"""core.model.explain: SHAP equals LightGBM's own contributions, adds up, and reads as words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.model.explain import explain, reasons, topic_contributions, topic_words
from core.model.features import STANDARD_FEATURES, feature_specs


def describe_topic(topic: str, row: dict) -> str:
    return topic_words(pd.DataFrame([row]), [topic]).iloc[0, 0]


def test_tree_explainer_equals_lightgbm_pred_contrib(bundle, demo_result):
    valid = demo_result.valid.head(200)
    explanation = explain(bundle, valid)
    native = bundle.model.booster.predict(bundle.features(valid).to_numpy(), pred_contrib=True)
    np.testing.assert_allclose(explanation.contributions.to_numpy(), native[:, :-1], atol=1e-9)
    np.testing.assert_allclose(explanation.base_value, native[:, -1], atol=1e-9)


def test_contributions_sum_to_the_log_odds_of_the_probability(bundle, demo_result):
    valid = demo_result.valid
    explanation = explain(bundle, valid)
    log_odds = explanation.base_value + explanation.contributions.sum(axis=1).to_numpy()
    probability = bundle.predict(valid)
    np.testing.assert_allclose(1 / (1 + np.exp(-log_odds)), probability, rtol=1e-9)


def test_topics_cover_every_feature_once_and_keep_the_sum(bundle, demo_result):
    used = feature_specs(bundle.feature_names)
    assert {f.topic for f in used} == set(topic_contributions(explain(bundle, demo_result.valid.head(1))).columns)
    explanation = explain(bundle, demo_result.valid.head(50))
    topics = topic_contributions(explanation)
    np.testing.assert_allclose(topics.sum(axis=1), explanation.contributions.sum(axis=1), atol=1e-12)


def test_no_visit_yet_is_one_reason_not_two(bundle, demo_result):
    valid = demo_result.valid[demo_result.valid["last_visit_day"] == 0]
    assert len(valid)
    for words in reasons(valid, explain(bundle, valid), 3):
        assert not any(w.startswith("0 visits attended") for w in words)
        assert sum(w.startswith("No visit attended") for w in words) <= 1


def test_reasons_name_the_biggest_topics_with_direction(bundle, demo_result):
    valid = demo_result.valid[demo_result.valid["last_visit_day"] > 0].head(100)
    explanation = explain(bundle, valid)
    words = reasons(valid, explanation, 3)
    topics = topic_contributions(explanation)
    for i, row in enumerate(valid.to_dict("records")):
        biggest = topics.iloc[i].abs().idxmax()
        direction = "raises risk" if topics.iloc[i][biggest] > 0 else "lowers risk"
        assert words[i][0] == f"{describe_topic(biggest, row)}: {direction}"
        assert len(words[i]) == 3


def test_topic_words_use_the_patients_own_values():
    row = {
        "days_in_trial": 120,
        "last_visit_day": 75,
        "visits_completed": 4,
        "adverse_events": 1,
        "age": 71,
        "treatment_group": "Placebo",
        "trial_phase": "Phase III",
        "gender": "Female",
    }
    assert describe_topic("visit_gap", row) == "45 days since the last visit"
    assert describe_topic("adverse_events", row) == "1 adverse event in 120 days"
    assert describe_topic("attendance", row) == "4 visits attended in 120 days"
    assert describe_topic("treatment_group", row) == "Placebo arm"
    assert describe_topic("visit_gap", {**row, "last_visit_day": 0}) == "No visit attended in 120 days"


def test_explaining_an_empty_frame_returns_no_rows(bundle, demo_result):
    explanation = explain(bundle, demo_result.valid.iloc[:0])
    assert explanation.contributions.shape == (0, len(STANDARD_FEATURES))
    assert reasons(demo_result.valid.iloc[:0], explanation, 3) == []
    assert isinstance(explanation.contributions, pd.DataFrame)
    assert explanation.base_value == pytest.approx(explain(bundle, demo_result.valid.head(1)).base_value)
