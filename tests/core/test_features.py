"""core.features: engineered columns computed from the contract fields."""

from __future__ import annotations

import numpy as np

from core.features import FEATURE_NAMES, build_features, categorical_indices, decode_category


def test_engineered_features_from_one_known_patient(demo_result):
    row = demo_result.valid.head(1)
    features = build_features(row).iloc[0]
    days = row["days_in_trial"].iloc[0]
    assert features["days_since_last_visit"] == days - row["last_visit_day"].iloc[0]
    assert np.isclose(features["visits_per_30_days"], row["visits_completed"].iloc[0] * 30 / days)
    assert np.isclose(features["adverse_events_per_30_days"], row["adverse_events"].iloc[0] * 30 / days)
    assert decode_category("trial_phase", features["trial_phase"]) == row["trial_phase"].iloc[0]


def test_feature_frame_has_the_model_columns_in_order(demo_result):
    features = build_features(demo_result.valid)
    assert tuple(features.columns) == FEATURE_NAMES
    assert not features.isna().any().any()
    for index in categorical_indices():
        assert set(features.iloc[:, index].unique()) <= {0.0, 1.0, 2.0}
