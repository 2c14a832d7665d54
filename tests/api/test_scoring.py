"""One truth: the API scores the demo cohort exactly as the command line does; bad files get JSON, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.scored import NOT_RECORDED_SEPARATOR
from core.cli import score as score_command
from core.outreach.call_list import PROBABILITY_DECIMALS
from core.paths import DEMO_COHORT_PATH
from tests.api.conftest import Deployment

DEMO = DEMO_COHORT_PATH.read_bytes()


def _scored_by_api(client: TestClient, deployed: Deployment, data: bytes, name: str, **query: object) -> dict:
    response = client.post(
        "/v1/score", headers=deployed.headers("coordinator"), files={"file": (name, data, "text/csv")}, params=query
    )
    assert response.status_code == 200, response.text
    return response.json()


def _scored_by_cli(tmp_path: Path, *options: str) -> pd.DataFrame:
    out = tmp_path / "scored.csv"
    assert score_command.main([str(DEMO_COHORT_PATH), "-o", str(out), *options]) == 0
    return pd.read_csv(out, dtype={"Patient ID": str}, keep_default_na=False)


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ({}, []),  # the model's own threshold, no capacity, one contact each
        (
            {"threshold": 0.3, "capacity": 40, "plan": "tiered"},
            ["--threshold", "0.3", "--capacity", "40", "--plan", "tiered"],
        ),
    ],
)
def test_the_api_and_the_command_line_give_the_same_probabilities_flags_contacts_and_reasons(
    client, deployed, tmp_path, query, options
):
    api = _scored_by_api(client, deployed, DEMO, DEMO_COHORT_PATH.name, **query)
    cli = _scored_by_cli(tmp_path, *options)
    patients = pd.DataFrame(api["patients"])
    assert len(patients) == len(cli) == 500 and api["patients_read"] == 500 and api["problems"] == []
    assert patients["patient_id"].tolist() == cli["Patient ID"].tolist()  # the same order: highest risk first
    assert patients["probability"].round(PROBABILITY_DECIMALS).tolist() == cli["Chance of dropping out"].tolist()
    flagged_api = set(patients.loc[patients["flagged"], "patient_id"])
    assert flagged_api == set(cli.loc[cli["Flagged"] == "Yes", "Patient ID"]) and api["flagged"] == len(flagged_api)
    assert 0 < len(flagged_api) < 500
    assert patients["contact"].fillna("").tolist() == cli["Contact"].tolist()
    assert patients["contact_cost"].fillna(-1).tolist() == pd.to_numeric(cli["Contact cost ($)"]).fillna(-1).tolist()
    cli_reasons = cli[["Reason 1", "Reason 2", "Reason 3"]].to_numpy().tolist()
    assert patients["reasons"].tolist() == [[r for r in row if r] for row in cli_reasons]
    cli_gaps = [g.split(NOT_RECORDED_SEPARATOR) if g else [] for g in cli["Not recorded"]]
    assert patients["not_recorded"].tolist() == cli_gaps
    expected_threshold = query.get("threshold", api["settings"]["threshold"])
    assert api["settings"]["threshold"] == expected_threshold and api["model"]["version"]


def test_the_settings_say_where_each_came_from(client, deployed):
    api = _scored_by_api(client, deployed, DEMO, "demo.csv", threshold=0.4)
    assert api["settings"]["sources"]["threshold"] == "address"
    assert api["settings"]["sources"]["plan"] == "default"
    assert api["model"]["origin"] == "synthetic data" and api["model"]["synthetic"] is True


def test_rows_with_problems_are_listed_and_the_valid_rows_still_scored(client, deployed):
    frame = pd.read_csv(DEMO_COHORT_PATH, dtype=str, keep_default_na=False).head(20)
    frame.loc[3, "age"] = "12"
    frame.loc[7, "gender"] = "Robot"
    api = _scored_by_api(client, deployed, frame.to_csv(index=False).encode(), "bad.csv")
    assert len(api["patients"]) == 18
    found = {(p["row"], p["column"], p["value"]) for p in api["problems"]}
    assert found == {(5, "age", "12"), (9, "gender", "Robot")}  # rows as the spreadsheet numbers them
    assert all(p["reason"] and p["patient_id"] == frame.loc[p["row"] - 2, "patient_id"] for p in api["problems"])


BAD_FILES = [
    ("empty.csv", b""),
    ("columns.csv", b"a,b\n1,2\n"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook"),
    ("binary.csv", bytes(range(256)) * 10),
    ("headers-only.csv", b"patient_id,site_id,age\n"),
]


@pytest.mark.parametrize(("name", "data"), BAD_FILES)
def test_a_file_that_cannot_be_used_gets_a_plain_json_problem(client, deployed, name, data):
    response = client.post("/v1/score", headers=deployed.headers("coordinator"), files={"file": (name, data)})
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"message", "problems"} and len(body["message"]) > 20
    assert "Traceback" not in response.text and 'File "' not in response.text


def test_no_file_or_a_bad_query_is_a_contract_problem(client, deployed):
    headers = deployed.headers("coordinator")
    missing = client.post("/v1/score", headers=headers)
    assert missing.status_code == 422 and missing.json()["problems"][0]["where"] == "body.file"
    bad = client.post("/v1/score", headers=headers, params={"threshold": 2}, files={"file": ("d.csv", DEMO)})
    assert bad.status_code == 422 and "query.threshold" in bad.json()["message"]


def test_an_internal_error_is_a_500_with_a_plain_message(client, deployed, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/code.py line 12")

    monkeypatch.setattr("api.routes.scoring.score_upload", broken)
    response = client.post("/v1/score", headers=deployed.headers("coordinator"), files={"file": ("d.csv", DEMO)})
    assert response.status_code == 500
    assert "internal error" in response.json()["message"] and "secret" not in response.text


def test_a_request_over_the_upload_limit_is_refused_before_it_is_read(deployed):
    from dataclasses import replace

    from api.config import ApiConfig
    from api.factory import create_app

    small = create_app(replace(deployed.settings, max_upload_mb=1), ApiConfig())
    with TestClient(small, raise_server_exceptions=False) as client:
        big = b"x" * (2 * 1024 * 1024)
        response = client.post("/v1/score", headers=deployed.headers("coordinator"), files={"file": ("big.csv", big)})
    assert response.status_code == 413 and "1 MB" in response.json()["message"]


def test_a_body_sent_in_chunks_without_a_length_is_refused_once_it_passes_the_limit(deployed):
    from dataclasses import replace

    from api.config import ApiConfig
    from api.factory import create_app

    def chunks():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(40):
            yield b"x" * 65536
        yield b"\r\n--b--\r\n"

    headers = {**deployed.headers("coordinator"), "Content-Type": "multipart/form-data; boundary=b"}
    small = create_app(replace(deployed.settings, max_upload_mb=1), ApiConfig())
    with TestClient(small, raise_server_exceptions=False) as client:
        response = client.post("/v1/score", headers=headers, content=chunks())
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413 and "1 MB" in response.json()["message"]
