"""core.cli.synth: seeded, landmark-consistent, and true_risk is the label's own probability."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.paths import DEMO_COHORT_PATH, TRAINING_DATA_PATH
from core.training.synthetic_world import TRAINING_TRIALS, risk_logit, simulate


def test_same_seed_gives_the_same_patients():
    a = simulate(TRAINING_TRIALS[:2], seed=3, id_prefix="X")
    b = simulate(TRAINING_TRIALS[:2], seed=3, id_prefix="X")
    pd.testing.assert_frame_equal(a, b)


def test_rows_respect_the_input_contract():
    frame = simulate(TRAINING_TRIALS, seed=1, id_prefix="X")
    assert (frame["last_visit_day"] <= frame["days_in_trial"]).all()
    assert frame["age"].between(18, 100).all()
    assert frame["days_in_trial"].between(1, 2000).all()
    assert frame["patient_id"].is_unique


def test_true_risk_depends_only_on_the_model_columns():
    frame = simulate(TRAINING_TRIALS[:3], seed=2, id_prefix="X")
    shuffled_context = frame.assign(site_id="elsewhere", trial_id="other", patient_id="anon")
    np.testing.assert_array_equal(risk_logit(frame), risk_logit(shuffled_context))
    logit = np.log(frame["true_risk"] / (1 - frame["true_risk"]))
    assert np.corrcoef(logit, risk_logit(frame))[0, 1] > 0.9999


def test_labels_follow_true_risk_and_prevalence_is_about_a_quarter():
    frame = simulate(TRAINING_TRIALS, seed=4, id_prefix="X")
    assert abs(frame["true_risk"].mean() - 0.25) < 0.005
    assert abs(frame["dropout"].mean() - frame["true_risk"].mean()) < 0.015
    high = frame["true_risk"] > 0.6
    assert frame.loc[high, "dropout"].mean() > 0.6


def test_shipped_files_have_the_promised_shape():
    history = pd.read_csv(TRAINING_DATA_PATH)
    demo = pd.read_csv(DEMO_COHORT_PATH)
    assert len(history) >= 20_000 and history["site_id"].nunique() >= 20
    assert {"dropout", "true_risk"} <= set(history.columns)
    assert 400 <= len(demo) <= 600
    assert not {"dropout", "true_risk"} & set(demo.columns)
