"""Scoring under a trial-trained model in use, from the command line and in the call list: a patient outside the
model's days is "too early to judge" with the reason, never flagged or costed, listed after every judged patient;
a file without an input the model reads is refused naming the model and how to put the previous one back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cli.score import main
from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.model import coverage
from core.model.registry import Registry
from core.outreach.call_list import call_list
from core.paths import DEMO_COHORT_PATH
from core.reading.errors import MissingColumnsError
from core.scoring.cohort import score_upload, summarise
from core.training.candidates import LIGHTGBM
from core.training.trial_versions import register_versions
from tests.conftest import csv_bytes
from tests.core.training.conftest import copy_registry, small_run, small_trial

__all__ = ["small_run", "small_trial"]


@pytest.fixture(scope="module")
def trial_registry(small_run, tmp_path_factory):
    registry = Registry(copy_registry(tmp_path_factory.mktemp("cli_trial") / "models"))
    registry.promote(register_versions(small_run, registry)[LIGHTGBM], "test")
    return registry


def _cohort(small_run) -> pd.DataFrame:
    """Twelve of the trial's own patients as a weekly file; the first on day 1 (too early to judge)."""
    rows = small_run.data.valid.drop_duplicates("patient_id").head(12)
    frame = rows[["patient_id", "site_id", "age", "gender", "treatment_group", "trial_phase", "days_in_trial"]]
    frame = frame.assign(
        visits_completed=rows["visits_completed"], last_visit_day=rows["last_visit_day"], adverse_events=0
    ).astype(str)
    frame.iloc[0, frame.columns.get_loc("days_in_trial")] = "1"
    frame.iloc[0, frame.columns.get_loc("last_visit_day")] = "0"
    frame.iloc[0, frame.columns.get_loc("visits_completed")] = "0"
    return frame.replace("nan", "")


def test_the_call_list_gives_a_too_early_patient_its_band_and_reason_and_no_flag_or_cost(trial_registry, small_run):
    bundle = trial_registry.load()
    frame = _cohort(small_run)
    cohort = score_upload(csv_bytes(frame), "week.csv", bundle, FACTORY_BANDS)
    policy = Policy.at(0.0)  # everyone judged is flagged at threshold 0
    flagged = policy.flagged(cohort.curves)
    early_id = frame["patient_id"].iloc[0]
    assert not flagged[cohort.position_of(early_id)] and flagged.sum() == len(frame) - 1
    summary = summarise(cohort.curves, policy)
    assert summary.flagged == len(frame) - 1
    assert summary.expected_dropouts == pytest.approx(np.nansum(cohort.probability))  # counted nowhere
    table = call_list(cohort, np.ones(len(frame), dtype=bool), flagged, policy, bundle)
    last = table.iloc[-1]
    assert last["Patient ID"] == early_id  # after every judged patient
    assert last["Risk band"] == coverage.TOO_EARLY and last["Flagged"] == "No"
    assert (
        np.isnan(last["Chance of dropping out"])
        and np.isnan(last["Contact cost ($)"])
        and (pd.isna(last["Contact"]) or last["Contact"] == "")
    )
    assert "too early to judge" in last["Reason 1"] and "Day 1 of the trial" in last["Reason 1"]
    assert (table.iloc[:-1]["Flagged"] == "Yes").all() and table.iloc[:-1]["Contact cost ($)"].gt(0).all()


def test_the_cli_writes_the_band_and_reason_of_a_too_early_patient(trial_registry, small_run, tmp_path, monkeypatch):
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(trial_registry.root))
    monkeypatch.delenv("RRADAR_MODEL_SHA256", raising=False)
    frame = _cohort(small_run)
    source = tmp_path / "week.csv"
    source.write_bytes(csv_bytes(frame))
    assert main([str(source), "-o", str(tmp_path / "scored.csv"), "--threshold", "0"]) == 0
    scored = pd.read_csv(tmp_path / "scored.csv", dtype={"Patient ID": str})
    early = scored[scored["Patient ID"] == frame["patient_id"].iloc[0]].iloc[0]
    assert early["Risk band"] == coverage.TOO_EARLY and early["Flagged"] == "No"
    assert pd.isna(early["Chance of dropping out"]) and pd.isna(early["Contact cost ($)"])
    assert "too early to judge" in early["Reason 1"]
    assert scored["Patient ID"].iloc[-1] == early["Patient ID"]
    assert (scored["Flagged"] == "Yes").sum() == len(frame) - 1


def test_a_file_without_an_input_the_trial_model_reads_names_the_model_and_the_way_back(
    trial_registry, small_run, tmp_path, monkeypatch, capsys
):
    bundle = trial_registry.load()
    frame = _cohort(small_run).drop(columns=["visits_completed"])
    with pytest.raises(MissingColumnsError) as refused:
        score_upload(csv_bytes(frame), "week.csv", bundle, FACTORY_BANDS)
    words = str(refused.value)
    assert bundle.version in words and "Small trial" in words
    assert "python -m core.cli.models rollback" in words and "promote VERSION" in words and "Train page" in words
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(trial_registry.root))
    monkeypatch.delenv("RRADAR_MODEL_SHA256", raising=False)
    source = tmp_path / "week.csv"
    source.write_bytes(csv_bytes(frame))
    assert main([str(source), "-o", str(tmp_path / "scored.csv")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and bundle.version in error and "core.cli.models rollback" in error


def test_the_bundled_model_refuses_without_naming_a_way_back(bundle):
    frame = pd.read_csv(DEMO_COHORT_PATH, dtype=str).drop(columns=["visits_completed"])
    with pytest.raises(MissingColumnsError) as refused:
        score_upload(csv_bytes(frame), "week.csv", bundle, FACTORY_BANDS)
    assert "rollback" not in str(refused.value) and "visits_completed" in str(refused.value)
