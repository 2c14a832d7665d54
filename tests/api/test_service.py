"""The process answers while the store is down, says so on /v1/ready, and passes per-horizon chances through."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from api.config import ApiConfig, load_config
from api.factory import create_app
from api.schemas import Patient
from api.scored import patients
from core.scoring.cohort import NOT_RECORDED
from core.scoring.scores import REASON_COLUMNS
from core.settings import SettingsError


def test_health_answers_and_ready_is_a_503_in_words_when_the_store_cannot_be_opened(deployed, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    down = replace(deployed.settings, database_url=f"sqlite:///{tmp_path / 'a-file' / 'store.sqlite3'}")
    with TestClient(create_app(down, ApiConfig()), raise_server_exceptions=False) as client:
        assert client.get("/v1/health").status_code == 200
        ready = client.get("/v1/ready", headers=deployed.headers("manager"))
    assert ready.status_code == 503 and "database cannot be reached" in ready.json()["message"]


def test_ready_names_the_model_in_use(client, deployed):
    body = client.get("/v1/ready", headers=deployed.headers("coordinator")).json()
    assert (
        body["status"] == "ready"
        and body["model"] == client.get("/v1/models", headers=deployed.headers("coordinator")).json()[0]["version"]
    )


def test_per_horizon_chances_pass_through_when_the_scores_carry_them():
    table = pd.DataFrame(
        {
            "patient_id": ["A", "B"],
            "site_id": ["S1", None],
            "probability": [0.7, np.nan],
            "risk_band": ["High", "Too early to judge"],
            "flagged": [True, False],
            "contact": ["Retention contact", None],
            "contact_cost": [500.0, np.nan],
            **{name: [f"why {i}", ""] for i, name in enumerate(REASON_COLUMNS)},
            NOT_RECORDED: ["", "Age (years), Gender"],
            "chance_within_4_weeks": [0.2, np.nan],
            "chance_within_12_weeks": [0.5, 0.1],
            "age": [40, 50],  # an input: not part of the answer
        }
    )
    first, second = patients(table)
    assert first["chance_within_4_weeks"] == 0.2 and second["chance_within_4_weeks"] is None
    assert second["chance_within_12_weeks"] == 0.1 and "age" not in first
    assert second["probability"] is None and second["contact_cost"] is None and second["site_id"] is None
    assert second["not_recorded"] == ["Age (years)", "Gender"] and first["reasons"] == ["why 0", "why 1", "why 2"]
    assert Patient.model_validate(first).model_dump()["chance_within_12_weeks"] == 0.5


def test_the_apis_own_settings_are_checked_by_name():
    assert load_config({}) == ApiConfig()
    assert load_config({"RRADAR_API_PORT": "8100", "RRADAR_API_RATE_LIMIT": "5"}) == ApiConfig(8100, 5)
    for bad in ({"RRADAR_API_PORT": "http"}, {"RRADAR_API_RATE_LIMIT": "0"}):
        try:
            load_config(bad)
        except SettingsError as error:
            assert next(iter(bad)) in str(error)
        else:
            raise AssertionError(f"{bad} was accepted")
