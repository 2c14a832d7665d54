"""The bundled model as a pooled time version over simulated trials, and the demo cohort as a running trial's
snapshot: seeded, loadable, and described in the README's words."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from core.model.bundle import load_bundle
from core.output.readme import render_card_markdown
from core.paths import MODEL_CARD_FILE, MODEL_FILE
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.training.bundled_time import DEMO_PATIENTS, demo_cohort, simulated_trials, train_bundled
from tests.conftest import csv_bytes
from tests.core.training.conftest import QUICK


def test_the_simulated_trials_follow_their_phase_schedules_and_lose_most_patients_early() -> None:
    for source, history in simulated_trials(scale=0.3):
        subjects = history.subjects
        planned = {"Phase I": 120, "Phase II": 270, "Phase III": 540}[subjects["phase"].iloc[0]]
        assert (subjects["planned_days"] == planned).all() and source.synthetic
        days = (subjects["end_date"] - subjects["enrolment_date"]).dt.days + 1
        left = days[subjects["status"] == "withdrawn"]
        first, later = (left <= 28).sum() / len(days), ((left > 28) & (left <= 56)).sum() / (days > 28).sum()
        assert first > later  # attrition peaks at the start


def test_a_small_bundled_model_loads_scores_the_demo_cohort_and_renders_for_the_readme(tmp_path) -> None:
    card = train_bundled(tmp_path, replace(QUICK, n_boot=20), scale=0.6, measure_real=False)
    bundle = load_bundle(tmp_path / MODEL_FILE, tmp_path / MODEL_CARD_FILE)
    assert bundle.version == card["model_version"] and card["model_version"].startswith("2.0+")
    assert bundle.synthetic and len(card["training_data"]["trials"]) == 6 and bundle.horizons == (4, 8, 12)
    demo = demo_cohort(20261128)
    assert len(demo) == 2 * DEMO_PATIENTS and demo["patient_id"].is_unique and "dropout" not in demo
    assert {"visits_missed", "last_gap_in_intervals", "adverse_events_last_30_days"} <= set(demo.columns)
    valid = load_cohort(csv_bytes(demo), "demo.csv", CONTRACT).valid
    assert len(valid) == len(demo)
    risk = bundle.predict(valid)
    assert np.isfinite(risk).all() and risk.std() > 0
    pd.testing.assert_frame_equal(demo, demo_cohort(20261128))  # seeded
    text = render_card_markdown(card)
    headline = card["metrics"]["per_landmark"]["roc_auc"]
    assert f"{headline['value']:.3f}" in text and "SIM-III-2" in text
