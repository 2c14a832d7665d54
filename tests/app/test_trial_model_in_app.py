"""The app with a trial-trained model in use: the demo cohort is scored (never refused), the Patient form asks for
the model's own inputs and assesses, and a day-1 patient is "too early to judge" (not flagged, listed last)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app import state
from core.decisions.bands import FACTORY_BANDS
from core.model import coverage
from core.model.registry import Registry
from core.model.whatif import validate_patient
from core.paths import DEMO_COHORT_PATH
from core.reading.validation import load_cohort
from core.scoring.scores import score_frame
from core.training.candidates import LIGHTGBM
from core.training.trial_versions import register_versions
from tests.app.conftest import form_widget, open_page, shown
from tests.conftest import csv_bytes
from tests.core.training.conftest import copy_registry, small_run, small_trial

__all__ = ["small_run", "small_trial"]

TRIAL_INPUTS = ("visits_missed", "last_gap_in_intervals", "adverse_events_last_30_days")
PATIENT = {
    "patient_id": "T-1",
    "age": 61,
    "gender": "Female",
    "treatment_group": "Placebo",
    "trial_phase": "Phase II",
    "days_in_trial": 70,
    "visits_completed": 3,
    "last_visit_day": 40,
    "adverse_events": 2,
}


@pytest.fixture(scope="module")
def trial_models(small_run, tmp_path_factory):
    """A registry whose model in use was trained on the small simulated trial (its LightGBM version)."""
    registry = Registry(copy_registry(tmp_path_factory.mktemp("trial_models") / "models"))
    name = register_versions(small_run, registry)[LIGHTGBM]
    registry.promote(name, "test")
    return registry


@pytest.fixture
def trial_bundle(trial_models, monkeypatch):
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(trial_models.root))
    monkeypatch.delenv("RRADAR_MODEL_SHA256", raising=False)
    return trial_models.load()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_demo_cohort_opens_and_is_scored_under_the_trial_model(trial_bundle):
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    refusals = [e.value for e in at.error if "could not be used" in e.value or "went wrong" in e.value]
    assert not refusals  # a drift banner may show (the demo is not the trial's patients); a refusal may not
    loaded = load_cohort(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, trial_bundle.contract)
    # every demo patient is scored: an arm the trial never had ("Active") is a gap the model averages over,
    # listed as not recorded, never a refusal of the patient or the file
    assert loaded.problems.empty and len(loaded.valid) == 500
    assert loaded.valid["treatment_group"].isna().any()
    table = at.dataframe(key="patient_table").value
    assert len(table) == len(loaded.valid)  # every scored patient listed, judged or not
    expected = score_frame(loaded.valid, trial_bundle, FACTORY_BANDS).set_index("patient_id")
    judged = expected["probability"].notna()
    assert judged.any() and (~judged).any()
    early = table[table["risk_band"] == coverage.TOO_EARLY]
    assert len(early) == int((expected["risk_band"] == coverage.TOO_EARLY).sum()) > 0
    assert not early["flagged"].any() and early["probability"].isna().all()
    first_unjudged = int(np.flatnonzero(table["probability"].isna().to_numpy())[0])
    assert table["probability"].iloc[:first_unjudged].notna().all()  # every judged patient comes first
    assert table["probability"].iloc[first_unjudged:].isna().all()


def test_the_patient_form_asks_for_the_trial_models_inputs_and_assesses(trial_bundle):
    at = open_page("patient")
    for name in TRIAL_INPUTS:
        assert form_widget(at, "patient", name).value is None  # optional: blank is "not recorded"
    for name, value in PATIENT.items():
        form_widget(at, "patient", name).set_value(value)
    form_widget(at, "patient", "visits_missed").set_value(2)
    at.button(key="assess").click().run()
    assert not at.exception, [e.value for e in at.exception]
    values = {**PATIENT, "visits_missed": 2}
    valid = validate_patient(values, trial_bundle.contract).valid
    assert float(valid["visits_missed"].iloc[0]) == 2 and np.isnan(valid["last_gap_in_intervals"].iloc[0])
    expected = score_frame(valid, trial_bundle, FACTORY_BANDS, trial_bundle.default_threshold).iloc[0]
    assert 0 < expected["probability"] < 1
    assert _metric(at, "Chance of dropping out") == f"{expected['probability']:.1%}"
    assert any("Visit gap in usual intervals" in c.value for c in at.caption)  # named among the blanks


def test_the_bundled_model_form_shows_only_its_own_fields():
    at = open_page("patient")
    for name in TRIAL_INPUTS:
        with pytest.raises(KeyError):
            form_widget(at, "patient", name)


def test_a_day_one_patient_is_too_early_to_judge_on_the_patient_page(trial_bundle):
    early = {**PATIENT, "days_in_trial": 1, "last_visit_day": 0, "visits_completed": 0}
    at = open_page("patient", **{state.PATIENT_PREFILL: early})
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "Chance of dropping out") == coverage.TOO_EARLY
    assert _metric(at, "Flagged for the retention team") == "No"
    assert any("too early to judge" in shown(i.value) and "Day 1 of the trial" in shown(i.value) for i in at.info)
    assert not at.get("plotly_chart")  # no explanation of a judgement the model does not make


def test_a_file_without_an_input_the_model_reads_names_it_and_a_manager_can_put_the_previous_back(
    small_run, tmp_path, monkeypatch
):
    registry = Registry(copy_registry(tmp_path / "models"))
    before = registry.in_use()
    registry.promote(register_versions(small_run, registry)[LIGHTGBM], "test")
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(registry.root))
    monkeypatch.delenv("RRADAR_MODEL_SHA256", raising=False)
    in_use = registry.load()
    frame = pd.read_csv(DEMO_COHORT_PATH, dtype=str).drop(columns=["visits_completed"])
    at = open_page("cohort")
    at.file_uploader(key="cohort_upload").set_value([("week.csv", csv_bytes(frame), "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    [refusal] = [shown(e.value) for e in at.error if "could not be used" in e.value]
    assert in_use.version in refusal and "core.cli.models rollback" in refusal and "Train page" in refusal
    at.button(key="refusal_rollback").click().run()
    assert not at.exception
    assert Registry(registry.root).in_use() == before
