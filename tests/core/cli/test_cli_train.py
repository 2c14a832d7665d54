"""python -m core.cli.train --history and python -m core.cli.models: figures, versions, promotion, plain errors."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from core.history.export import to_csv_files
from core.history.simulated import simulate_history
from core.paths import ROOT
from tests.core.training.conftest import SMALL_TRIAL, copy_registry


def _write(folder, files):
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def trial_folder(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("trial") / "small", to_csv_files(simulate_history(SMALL_TRIAL, seed=3)))


def _run(*args, env=None):
    import os

    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_training_from_the_command_line_registers_and_promotes(trial_folder, tmp_path):
    models = copy_registry(tmp_path / "models")
    bundled = json.loads((models / "registry.json").read_text())["in_use"]
    env = {"RRADAR_MODELS_DIR": str(models)}
    done = _run(
        "core.cli.train", "--history", str(trial_folder), "--folds", "3", "--repeats", "1", "--promote", env=env
    )
    assert done.returncode == 0, done.stderr
    assert "[100%] Done" in done.stdout and "Simple baseline" in done.stdout and "registered" in done.stdout
    assert "MLflow" not in done.stdout  # no tracking URI: nothing is logged anywhere
    assert "recommendation: " in done.stdout and "ROC AUC at one moment" in done.stdout
    registry = json.loads((models / "registry.json").read_text())
    if "not promoted: the recommendation is to keep the model in use" in done.stdout:
        assert registry["in_use"] == bundled  # --promote follows the recommendation
        best = done.stdout.split("python -m core.cli.models promote ")[-1].split()[0]
        promoted = _run("core.cli.models", "promote", best, env=env)
        assert promoted.returncode == 0 and "Against the model in use when trained" in promoted.stdout
        registry = json.loads((models / "registry.json").read_text())
    assert registry["in_use"] != bundled and len(registry["versions"]) == 4  # the bundled one and three trained
    listed = _run("core.cli.models", "list", env=env)
    assert listed.returncode == 0 and f"* {registry['in_use']}" in listed.stdout and "cross-validated" in listed.stdout
    back = _run("core.cli.models", "rollback", env=env)
    assert back.returncode == 0, back.stderr
    assert json.loads((models / "registry.json").read_text())["in_use"] == bundled


def test_with_a_tracking_uri_each_version_is_also_logged_to_mlflow(trial_folder, tmp_path):
    store = tmp_path / "mlruns"
    env = {
        "RRADAR_MODELS_DIR": str(copy_registry(tmp_path / "models")),
        "MLFLOW_TRACKING_URI": store.as_uri(),
        "MLFLOW_ALLOW_FILE_STORE": "true",
    }
    done = _run("core.cli.train", "--history", str(trial_folder), "--folds", "3", "--repeats", "1", env=env)
    assert done.returncode == 0, done.stderr
    logged = [line for line in done.stdout.splitlines() if line.startswith("logged to MLflow")]
    assert len(logged) == 3 and any("-lgbm version 1" in line for line in logged), done.stdout
    registered = {p.name for p in (store / "models").iterdir()}
    assert registered == {"small-lgbm", "small-logit", "small-time"}


def test_an_unreachable_mlflow_is_a_warning_and_the_versions_are_still_registered(trial_folder, tmp_path):
    models = copy_registry(tmp_path / "models")
    env = {
        "RRADAR_MODELS_DIR": str(models),
        "MLFLOW_TRACKING_URI": "http://127.0.0.1:9",
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
        "MLFLOW_HTTP_REQUEST_TIMEOUT": "2",
    }
    done = _run("core.cli.train", "--history", str(trial_folder), "--folds", "3", "--repeats", "1", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("was not logged to MLflow") == 3 and "Traceback" not in done.stdout + done.stderr
    assert len(json.loads((models / "registry.json").read_text())["versions"]) == 4  # the bundled one and three trained


def test_out_to_a_plain_folder_writes_each_version_there(trial_folder, tmp_path):
    out = tmp_path / "out"
    done = _run("core.cli.train", "--history", str(trial_folder), "--out", str(out), "--folds", "3", "--repeats", "1")
    assert done.returncode == 0, done.stderr
    folders = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    assert len(folders) == 3  # LightGBM, logistic regression, time to dropout
    for folder in folders:
        card = json.loads((folder / "model_card.json").read_text())
        assert card["evaluation"]["method"] == "cross-validated"
        assert (folder / "cv_predictions.csv").exists() and (folder / "model.joblib").exists()


def test_a_history_too_small_is_refused_in_words(tmp_path):
    tiny = _write(tmp_path / "tiny", to_csv_files(simulate_history(replace(SMALL_TRIAL, n_patients=50), seed=2)))
    done = _run("core.cli.train", "--history", str(tiny), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "not trained" in done.stderr and "at least 100" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_missing_history_is_one_line_never_a_traceback(tmp_path):
    done = _run("core.cli.train", "--history", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.startswith("error:")


def test_promoting_an_unknown_version_is_one_line(tmp_path):
    models = copy_registry(tmp_path / "models")
    done = _run("core.cli.models", "promote", "nope", env={"RRADAR_MODELS_DIR": str(models)})
    assert done.returncode == 2 and "no model version nope" in done.stderr and "Traceback" not in done.stderr


def test_two_histories_train_and_register_one_pooled_version(trial_folder, tmp_path):
    other = _write(
        tmp_path / "other",
        to_csv_files(simulate_history(replace(SMALL_TRIAL, id_prefix="O", planned_days=168), seed=9)),
    )
    models = copy_registry(tmp_path / "models")
    before = json.loads((models / "registry.json").read_text())
    done = _run(
        "core.cli.train",
        "--history",
        str(trial_folder),
        "--history",
        str(other),
        "--folds",
        "3",
        "--repeats",
        "1",
        env={"RRADAR_MODELS_DIR": str(models)},
    )
    assert done.returncode == 0, done.stderr
    assert "small (400 training patients, all from other)" in done.stdout and "headline:" in done.stdout
    registry = json.loads((models / "registry.json").read_text())
    added = set(registry["versions"]) - set(before["versions"])
    assert len(added) == 1 and next(iter(added)).startswith("pooled-small-other-time-")
    assert registry["in_use"] == before["in_use"]  # registered, not put in use without --promote
    listed = _run("core.cli.models", "list", env={"RRADAR_MODELS_DIR": str(models)})
    assert "the trials small, other" in listed.stdout
