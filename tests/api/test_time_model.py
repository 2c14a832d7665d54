"""The API under a time-to-dropout model: each patient's chance within 4, 8 and 12 weeks, the same as the command
line's export (one truth), beside the chance of dropping out before the end that flags read."""

from __future__ import annotations

import shutil

import pandas as pd
from fastapi.testclient import TestClient

from api.config import ApiConfig
from api.factory import create_app
from core.cli import score as score_command
from core.outreach.call_list import PROBABILITY_DECIMALS
from tests.api.conftest import deployment
from tests.core.training.conftest import small_run, small_trial
from tests.time_version import time_registry, trial_week

__all__ = ["small_run", "small_trial"]  # the training fixtures, used here


def test_the_api_gives_the_chances_per_horizon_as_the_command_line_does(small_run, tmp_path, monkeypatch):
    deployed = deployment(tmp_path)
    shutil.rmtree(deployed.settings.models_dir)
    time_registry(small_run, deployed.settings.models_dir)  # the time version in use
    week = tmp_path / "week.csv"
    trial_week(small_run).to_csv(week, index=False)
    with TestClient(create_app(deployed.settings, ApiConfig(rate_limit=10_000))) as client:
        response = client.post(
            "/v1/score", headers=deployed.headers("coordinator"), files={"file": ("week.csv", week.read_bytes())}
        )
    assert response.status_code == 200, response.text
    patients = pd.DataFrame(response.json()["patients"])
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(deployed.settings.models_dir))
    out = tmp_path / "scored.csv"
    assert score_command.main([str(week), "-o", str(out)]) == 0
    cli = pd.read_csv(out, dtype={"Patient ID": str}, keep_default_na=False)
    assert patients["patient_id"].tolist() == cli["Patient ID"].tolist()
    for weeks in (4, 8, 12):
        api = patients[f"chance_within_{weeks}_weeks"].round(PROBABILITY_DECIMALS).tolist()
        assert api == cli[f"Chance of leaving within {weeks} weeks"].tolist()
    assert (patients["chance_within_12_weeks"] <= patients["probability"] + 1e-9).all()
