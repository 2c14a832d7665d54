"""core.model.features: the feature table builds each feature from the contract fields it declares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.model.features import (
    FEATURES,
    STANDARD_FEATURES,
    TOPICS_BY_NAME,
    UnknownFeatureError,
    build_features,
    decode_category,
    required_inputs,
)
from core.reading.contract import CONTRACT

LEVELS = CONTRACT.category_levels()


def test_engineered_features_from_one_known_patient(demo_result):
    row = demo_result.valid.head(1)
    features = build_features(row, STANDARD_FEATURES, LEVELS).iloc[0]
    days = row["days_in_trial"].iloc[0]
    assert features["days_since_last_visit"] == days - row["last_visit_day"].iloc[0]
    assert np.isclose(features["visits_per_30_days"], row["visits_completed"].iloc[0] * 30 / days)
    assert np.isclose(features["adverse_events_per_30_days"], row["adverse_events"].iloc[0] * 30 / days)
    assert decode_category(LEVELS, "trial_phase", features["trial_phase"]) == row["trial_phase"].iloc[0]


def test_feature_frame_has_the_model_columns_in_order(demo_result):
    features = build_features(demo_result.valid, STANDARD_FEATURES, LEVELS)
    assert tuple(features.columns) == STANDARD_FEATURES
    assert not features.isna().any().any()
    for spec in FEATURES:
        if spec.categorical:
            assert set(features[spec.name].unique()) <= set(range(len(LEVELS[spec.name])))


def test_a_subset_in_another_order_is_built_as_asked(demo_result):
    names = ["adverse_events", "age", "treatment_group"]
    features = build_features(demo_result.valid, names, LEVELS)
    assert list(features.columns) == names
    np.testing.assert_array_equal(features["age"], demo_result.valid["age"].to_numpy(dtype=float))


def test_category_codes_follow_the_models_own_level_order(demo_result):
    valid = demo_result.valid.head(50)
    reordered = {**LEVELS, "treatment_group": ["Placebo", "Active", "Control"]}
    codes = build_features(valid, ["treatment_group"], reordered)["treatment_group"]
    decoded = [reordered["treatment_group"][int(c)] for c in codes]
    assert decoded == valid["treatment_group"].astype(str).tolist()


def test_a_level_the_model_never_saw_is_missing_not_another_level():
    valid = pd.DataFrame({"treatment_group": pd.Categorical(["Xan_Hi", "Placebo"])})
    codes = build_features(valid, ["treatment_group"], LEVELS)["treatment_group"]
    assert np.isnan(codes.iloc[0]) and codes.iloc[1] == LEVELS["treatment_group"].index("Placebo")


def test_every_feature_reads_contract_fields_and_has_a_topic_in_words():
    for spec in FEATURES:
        assert set(spec.inputs) <= set(CONTRACT.names), spec.name
        assert spec.topic in TOPICS_BY_NAME, spec.name
    assert required_inputs(["visits_per_30_days"]) == ("visits_completed", "days_in_trial")


def test_an_unknown_feature_name_is_refused():
    with pytest.raises(UnknownFeatureError, match="shoe_size"):
        build_features(pd.DataFrame({"age": [40]}), ["age", "shoe_size"], LEVELS)
