"""core.training.tracking: each training run logged and registered in MLflow, against a local file store."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import joblib
import pytest

from core.paths import MODEL_CARD_FILE, MODEL_FILE, PREDICTIONS_FILE, ROOT
from core.settings import resolve_settings
from core.training.tracking import (
    BOUNDED_HTTP_WAIT,
    TrackingError,
    failure_message,
    log_training,
    redacted_uri,
    tracking_uri,
)
from tests.core.training.test_tracking_record import trial_card

PATIENT_IDS = ("SUBJ-7781-0042", "SUBJ-7781-0043")
NAME = "retention-radar-abc-301"  # the registered model's name in these tests
MLFLOW_VARIABLES = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_ALLOW_FILE_STORE",
    "MLFLOW_DISABLE_TELEMETRY",
    *BOUNDED_HTTP_WAIT,
)


@pytest.fixture(autouse=True)
def mlflow_environment_restored(monkeypatch):
    """Each test starts without MLflow's variables, and whatever log_training sets is undone after it."""
    for variable in MLFLOW_VARIABLES:
        monkeypatch.setenv(variable, "")  # records the original value for the undo
        monkeypatch.delenv(variable)


def make_card() -> dict:
    """A trial-trained version's card (its reading is tested in test_tracking_record), with the model file named."""
    card = trial_card() | {"model_file": MODEL_FILE}
    card["hyperparameters"] = card["hyperparameters"] | {"num_leaves": 15}
    return card


def make_folder(parent: Path, card: dict) -> Path:
    """A trained version's folder: a real (tiny) joblib file, its card, and patient-level predictions."""
    folder = parent / "version"
    folder.mkdir()
    joblib.dump({"stand-in": "model"}, folder / MODEL_FILE)
    (folder / MODEL_CARD_FILE).write_text(json.dumps(card))
    rows = [f"{pid},0.31,1" for pid in PATIENT_IDS]
    (folder / PREDICTIONS_FILE).write_text("patient_id,probability,dropout\n" + "\n".join(rows) + "\n")
    return folder


@pytest.fixture
def file_store(tmp_path, monkeypatch) -> str:
    """A local MLflow file store (which MLflow 3 accepts only when asked), with a clean working folder."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return (tmp_path / "mlruns").as_uri()


def test_the_tracking_uri_is_the_settings_own_and_none_means_nowhere():
    assert tracking_uri(resolve_settings({}, {})) is None
    assert tracking_uri(resolve_settings({"MLFLOW_TRACKING_URI": " file:///srv/mlruns "}, {})) == "file:///srv/mlruns"
    from_secrets = resolve_settings({}, {"mlflow": {"tracking_uri": "http://mlflow.internal:5000"}})
    assert tracking_uri(from_secrets) == "http://mlflow.internal:5000"


def test_a_run_is_logged_and_its_model_registered(tmp_path, file_store, monkeypatch):
    from mlflow import MlflowClient, is_tracking_uri_set

    card = make_card()
    folder = make_folder(tmp_path, card)
    first = log_training(folder, card, file_store, NAME)
    second = log_training(folder, card, file_store, NAME)
    assert (first.experiment, first.model_name) == ("ABC-301", NAME)
    assert (first.model_version, second.model_version) == ("1", "2")
    assert first.run_id != second.run_id
    assert not (Path.cwd() / "mlflow.db").exists()  # MLflow's fallback store was never opened
    assert not is_tracking_uri_set()  # the process-wide URI is left as it was

    monkeypatch.setenv("MLFLOW_TRACKING_URI", file_store)  # lets the reading below find runs too
    client = MlflowClient(tracking_uri=file_store, registry_uri=file_store)
    run = client.get_run(first.run_id)
    assert client.get_experiment(run.info.experiment_id).name == "ABC-301"
    assert run.info.status == "FINISHED"
    assert run.data.params["hyperparameters.num_leaves"] == "15"
    assert (run.data.params["folds"], run.data.params["landmark_scheme.step_days"]) == ("5", "28")
    assert run.data.params["features"] == "age, days_since_last_visit"
    assert run.data.metrics["roc_auc"] == pytest.approx(0.71)
    assert run.data.metrics["pr_auc_ci95_low"] == pytest.approx(0.36)
    assert run.data.metrics["ece_ci95_high"] == pytest.approx(0.05)
    assert run.data.metrics["day_56_roc_auc"] == pytest.approx(0.73)
    assert run.data.tags["origin"] == "real" and run.data.tags["trial"] == "ABC-301"
    assert run.data.tags["data_sha256"] == card["training_data"]["sha256"]
    assert run.data.tags["code_version"] == card["code_version"]
    assert run.data.tags["registered_model"] == f"{NAME}/1"
    version = client.get_model_version(NAME, "2")
    assert version.run_id == second.run_id
    assert version.tags["model_sha256"] == card["model_sha256"]
    artifacts = {a.path for a in client.list_artifacts(first.run_id, "model")}
    assert artifacts == {f"model/{MODEL_CARD_FILE}", f"model/{MODEL_FILE}"}
    logged_card = Path(client.download_artifacts(first.run_id, f"model/{MODEL_CARD_FILE}", str(tmp_path)))
    assert json.loads(logged_card.read_text()) == card


def test_no_patient_identifier_reaches_the_store(tmp_path, file_store):
    card = make_card()
    log_training(make_folder(tmp_path, card), card, file_store, NAME)
    store = Path(file_store.removeprefix("file://"))
    stored = [p for p in store.rglob("*") if p.is_file()]
    assert any(p.name == MODEL_FILE for p in stored)  # the store was written at all
    assert not any(p.name == PREDICTIONS_FILE for p in stored)
    assert not [p for p in stored if any(pid.encode() in p.read_bytes() for pid in PATIENT_IDS)]


def test_mlflow_refusing_a_file_store_is_said_plainly(tmp_path, file_store, monkeypatch):
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE")
    card = make_card()
    with pytest.raises(TrackingError, match="MLFLOW_ALLOW_FILE_STORE=true") as caught:
        log_training(make_folder(tmp_path, card), card, file_store, NAME)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_server_gives_a_plain_message_without_secrets_quickly(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    uri = f"http://trainer:s3cret-pw@127.0.0.1:{_closed_port()}/mlflow?token=tok-9911"
    card = make_card()
    folder = make_folder(tmp_path, card)
    started = time.perf_counter()
    with pytest.raises(TrackingError) as caught:
        log_training(folder, card, uri, NAME)
    assert time.perf_counter() - started < 15
    message = str(caught.value)
    assert "did not answer" in message and "127.0.0.1" in message
    for secret in ("s3cret-pw", "tok-9911", "trainer", "Traceback"):
        assert secret not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "\n" not in message
    printed = capfd.readouterr()
    assert "Traceback" not in printed.out + printed.err


def test_the_wait_for_a_server_is_bounded_unless_the_deployment_chose(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "4")
    card = make_card()
    with pytest.raises(TrackingError):
        log_training(make_folder(tmp_path, card), card, f"http://127.0.0.1:{_closed_port()}", NAME)
    assert os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] == "4"
    assert os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == BOUNDED_HTTP_WAIT["MLFLOW_HTTP_REQUEST_MAX_RETRIES"]
    assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"


def test_a_deleted_experiment_is_not_brought_back_silently(tmp_path, file_store, monkeypatch):
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_TRACKING_URI", file_store)
    client = MlflowClient(tracking_uri=file_store)
    client.delete_experiment(client.create_experiment("ABC-301"))
    card = make_card()
    with pytest.raises(TrackingError, match="'ABC-301' was deleted there"):
        log_training(make_folder(tmp_path, card), card, file_store, NAME)


def test_a_missing_model_file_is_named(tmp_path, file_store):
    card = make_card()
    folder = make_folder(tmp_path, card)
    (folder / MODEL_FILE).unlink()
    with pytest.raises(TrackingError, match=f"{MODEL_FILE} is missing"):
        log_training(folder, card, file_store, NAME)


def test_a_card_with_little_in_it_is_still_logged_with_what_it_has(tmp_path, file_store, monkeypatch):
    from mlflow import MlflowClient

    card = {"model_file": MODEL_FILE, "metrics": ["not", "a", "table"], "evaluation": {"folds": 5}}
    run_id = log_training(make_folder(tmp_path, card), card, file_store, NAME).run_id
    monkeypatch.setenv("MLFLOW_TRACKING_URI", file_store)
    run = MlflowClient(tracking_uri=file_store).get_run(run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params == {"folds": "5"} and run.data.metrics == {}


def test_a_card_cannot_send_a_patient_level_file_or_one_outside_its_folder(tmp_path, file_store):
    card = make_card() | {"model_file": PREDICTIONS_FILE}
    folder = make_folder(tmp_path, card)
    with pytest.raises(TrackingError, match="holds patient rows"):
        log_training(folder, card, file_store, NAME)
    (tmp_path / "secret.joblib").write_bytes(b"outside")
    outside = make_card() | {"model_file": "../secret.joblib"}
    with pytest.raises(TrackingError, match="secret.joblib is missing"):
        log_training(folder, outside, file_store, NAME)


def test_the_address_shown_keeps_no_credentials():
    assert (
        redacted_uri("https://ann:pw@mlflow.example.org:8443/base?token=x#y") == "https://mlflow.example.org:8443/base"
    )
    assert redacted_uri("file:///srv/mlruns") == "file:///srv/mlruns"


def test_an_unforeseen_failure_is_told_in_its_first_line_without_secrets(monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "dapi-77aa")
    uri = "https://ann:pw-4471@mlflow.example.org/base?key=k-52"
    raised = RuntimeError(f"API request to {uri}/api/2.0/runs/create got 418 (token dapi-77aa)\n  File x.py, line 3")
    message = failure_message(raised, uri)
    assert "https://mlflow.example.org/base" in message and "got 418" in message
    for secret in ("pw-4471", "k-52", "dapi-77aa", "ann", "line 3"):
        assert secret not in message


LAZY_AND_SILENT = """
import sys
from pathlib import Path
import core.training.tracking as tracking
assert "mlflow" not in sys.modules, "mlflow imported with the module"
sys.path.insert(0, {tests!r})
from test_tracking import make_card, make_folder
card = make_card()
tracking.log_training(make_folder(Path({tmp!r}), card), card, {uri!r}, "m")
import mlflow.telemetry
assert mlflow.telemetry.get_telemetry_client() is None, "telemetry client running"
"""


def test_mlflow_is_imported_only_when_logging_and_never_phones_home(tmp_path):
    """In a process that looks like no CI or test run to MLflow, so its telemetry would otherwise start."""
    config = tmp_path / "config"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST", "CI", "GITHUB_ACTIONS")}
    env |= {"XDG_CONFIG_HOME": str(config), "MLFLOW_ALLOW_FILE_STORE": "true", "PYTHONPATH": str(ROOT)}
    script = LAZY_AND_SILENT.format(tests=str(Path(__file__).parent), tmp=str(tmp_path), uri=(tmp_path / "s").as_uri())
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (config / "mlflow").exists()  # no installation id written for telemetry
