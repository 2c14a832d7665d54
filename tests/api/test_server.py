"""The check an integrator makes: start ``python -m api``, make a key with ``add-key``, score the demo cohort over
HTTP and compare it with ``python -m core.cli.score`` run as a command; a revoked key is refused at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pandas as pd
import pytest

from core.outreach.call_list import PROBABILITY_DECIMALS
from core.paths import DEMO_COHORT_PATH, ROOT

START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "RRADAR_LOG_DIR": str(tmp_path / "logs"),
        "RRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "RRADAR_API_PORT": str(port),
        "OMP_NUM_THREADS": "1",
    }
    server = subprocess.Popen([sys.executable, "-m", "api"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else "stopped"
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "python -m api did not answer"
                time.sleep(0.3)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def _command(env, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_python_m_api_with_a_key_from_add_key_scores_as_the_command_line_does(served, tmp_path):
    base, env = served
    made = _command(env, "core.cli.users", "add-key", "ctms", "--role", "coordinator")
    assert made.returncode == 0, made.stderr
    headers = {"Authorization": f"Bearer {made.stdout.strip().splitlines()[-1]}"}
    files = {"file": (DEMO_COHORT_PATH.name, DEMO_COHORT_PATH.read_bytes(), "text/csv")}
    answer = httpx.post(f"{base}/v1/score", headers=headers, files=files, params={"capacity": 60}, timeout=120)
    assert answer.status_code == 200, answer.text
    scored = _command(env, "core.cli.score", str(DEMO_COHORT_PATH), "-o", str(tmp_path / "cli.csv"), "--capacity", "60")
    assert scored.returncode == 0, scored.stderr
    cli = pd.read_csv(tmp_path / "cli.csv", dtype={"Patient ID": str}, keep_default_na=False)
    api = pd.DataFrame(answer.json()["patients"])
    assert api["patient_id"].tolist() == cli["Patient ID"].tolist()
    assert api["probability"].round(PROBABILITY_DECIMALS).tolist() == cli["Chance of dropping out"].tolist()
    assert set(api.loc[api["flagged"], "patient_id"]) == set(cli.loc[cli["Flagged"] == "Yes", "Patient ID"])
    assert int(api["flagged"].sum()) == 60

    assert _command(env, "core.cli.users", "revoke-key", "ctms").returncode == 0
    refused = httpx.get(f"{base}/v1/models", headers=headers, timeout=30)
    assert refused.status_code == 401 and refused.json()["message"]
