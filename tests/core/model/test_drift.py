"""core.drift: a shifted cohort is flagged; a fresh sample of the training world is not."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.model.drift import drift_report, drift_summary, psi, reference_profile
from core.paths import MODEL_CARD_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.training.synthetic_world import TRAINING_TRIALS, simulate
from tests.conftest import csv_bytes


@pytest.fixture(scope="module")
def profile() -> dict:
    return json.loads(MODEL_CARD_PATH.read_text())["input_reference"]


def _valid(frame: pd.DataFrame) -> pd.DataFrame:
    return load_cohort(
        csv_bytes(frame.drop(columns=["true_risk", "dropout", "trial_id"])), "cohort.csv", CONTRACT
    ).valid


@pytest.fixture(scope="module")
def fresh() -> pd.DataFrame:
    """Patients drawn anew from the training trials (a different seed), as a coordinator's export would be."""
    return simulate(TRAINING_TRIALS, seed=777, id_prefix="F").sample(2000, random_state=1)


def test_psi_is_zero_for_equal_mixes_and_grows_with_shift():
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0
    assert 0 < psi(np.array([0.5, 0.5]), np.array([0.6, 0.4])) < psi(np.array([0.5, 0.5]), np.array([0.9, 0.1]))


def test_a_fresh_sample_from_the_training_world_is_not_flagged(profile, fresh):
    report = drift_report(profile, _valid(fresh))
    assert set(report["level"]) == {"none"}, report
    assert drift_summary(report) is None


def test_older_patients_with_more_adverse_events_are_flagged(profile, fresh):
    shifted = fresh.assign(age=(fresh["age"] + 20).clip(upper=100), adverse_events=fresh["adverse_events"] * 3)
    report = drift_report(profile, _valid(shifted)).set_index("input")
    assert report.at["age", "level"] == "major" and report.at["adverse_events", "level"] in ("moderate", "major")
    assert report.at["age", "outside_training_range"] > 0.05
    assert report.at["gender", "level"] == "none"
    message = drift_summary(report.reset_index())
    assert "age (major" in message and "outside the training range" in message


def test_a_one_phase_cohort_is_compared_within_its_phase(profile, fresh):
    phase_three = fresh[fresh["trial_phase"] == "Phase III"]
    report = drift_report(profile, _valid(phase_three))
    assert set(report["level"]) == {"none"}


def test_a_changed_arm_mix_is_flagged(profile, fresh):
    placebo_only = fresh.assign(treatment_group="Placebo")
    report = drift_report(profile, _valid(placebo_only)).set_index("input")
    assert report.at["treatment_group", "level"] == "major"


def test_too_few_patients_are_not_judged_but_out_of_range_still_is(profile, fresh):
    few = fresh.head(30).assign(age=95)
    report = drift_report(profile, _valid(few)).set_index("input")
    assert report.at["days_in_trial", "level"] == "too few patients"
    assert report.at["age", "level"] == "beyond the training range"  # a fact, but never called "major" drift
    banner = drift_summary(report.reset_index())
    assert banner is not None and "major" not in banner and "beyond the training range" in banner


def test_reference_profile_proportions_sum_to_one(fresh):
    profile = reference_profile(_valid(fresh), CONTRACT)
    for column in profile["numeric"].values():
        for proportions in column["by_phase"].values():
            assert sum(proportions) == pytest.approx(1.0, abs=1e-5)
    for by_phase in profile["categorical"].values():
        for proportions in by_phase.values():
            assert sum(proportions.values()) == pytest.approx(1.0, abs=1e-5)
