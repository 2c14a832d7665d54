"""Each training run, also logged and registered in MLflow when a deployment points to one.

Nothing here runs unless a tracking URI is set (``MLFLOW_TRACKING_URI``, or ``[mlflow] tracking_uri`` in
secrets.toml through ``core.settings``). MLflow is imported only inside ``log_training``: the app does not pay
its import time (about 1.3 s here) when no tracking URI is set.

What is sent: the figures of the model card as parameters, metrics and tags, and two files, the model card
and the model file. Nothing patient-level leaves the machine: the cross-validated or held-out predictions
(``cv_predictions.csv``, ``holdout_scored.csv``) hold patient identifiers and are never uploaded, because a
tracking server is another machine. MLflow's own usage telemetry is switched off before MLflow is imported.

The model is registered in MLflow's model registry under one name, a new version per run, whose source is
the run's ``model`` artifact folder (no MLflow flavor is needed: the registry records where the files are).

A failure never fails or undoes the training (the model is already in our own registry): ``log_training``
raises ``TrackingError`` with a plain message, without a traceback or any password or token from the URI,
for the caller to show as a warning.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from core.paths import HOLDOUT_FILE, MODEL_CARD_FILE, MODEL_FILE, PREDICTIONS_FILE
from core.training.tracking_record import RunRecord, run_record

if TYPE_CHECKING:  # core.settings is only needed for the type; no import cycle, no import-time cost
    from core.model.registry import Version
    from core.settings import Settings

MODEL_ARTIFACT_FOLDER = "model"
PATIENT_LEVEL_FILES = frozenset({HOLDOUT_FILE, PREDICTIONS_FILE})  # hold patient identifiers: never uploaded
# Unless the deployment sets its own: MLflow's defaults retry an unreachable server for minutes, and the
# person who trained is waiting for the page.
BOUNDED_HTTP_WAIT = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_TIMEOUT": "10"}
CREDENTIAL_VARIABLES = ("MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")
MAX_REASON_LENGTH = 300


class TrackingError(RuntimeError):
    """The run could not be logged to MLflow; the message says why in plain words, without secrets."""


@dataclass(frozen=True)
class TrackedRun:
    """Where a training run went in MLflow."""

    run_id: str
    experiment: str
    model_name: str
    model_version: str  # the version number in MLflow's model registry


def tracking_uri(settings: Settings) -> str | None:
    """Where training runs are logged: ``MLFLOW_TRACKING_URI`` or ``[mlflow] tracking_uri``; None: nowhere."""
    return settings.mlflow_tracking_uri


def log_training(folder: Path, card: dict[str, Any], uri: str, registered_name: str) -> TrackedRun:
    """Log one training run to the MLflow at ``uri`` and register its model; raises TrackingError on any failure.

    One run in the experiment named after the trial, with the card's figures (``run_record``), the model card
    and model file from ``folder`` as artifacts (nothing patient-level), and a new version of ``registered_name``
    in MLflow's model registry. The model file is uploaded as it is, never loaded.
    """
    # Only the model file's own name is used: a card cannot point the upload outside its folder.
    model_file = Path(folder) / Path(str(card.get("model_file") or MODEL_FILE)).name
    if model_file.name in PATIENT_LEVEL_FILES:
        raise TrackingError(f"Not logged to MLflow: the card names {model_file.name}, which holds patient rows.")
    if not model_file.is_file():
        raise TrackingError(f"Not logged to MLflow: {model_file.name} is missing from {folder}.")
    try:
        return _log(run_record(card), model_file, card, uri, registered_name)
    except TrackingError:
        raise
    except Exception as exc:  # MLflow, network and file errors alike: one plain message
        raise TrackingError(failure_message(exc, uri)) from None


def _log(record: RunRecord, model_file: Path, card: dict[str, Any], uri: str, name: str) -> TrackedRun:
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"  # read when MLflow is imported and at each call
    for variable, value in BOUNDED_HTTP_WAIT.items():
        os.environ.setdefault(variable, value)
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise TrackingError(
            "Not logged to MLflow: the mlflow-skinny package is not installed (pip install -r requirements.txt)."
        ) from None
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.tracking._tracking_service.utils import _use_tracking_uri

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    # MLflow's folder registry looks runs up through the process-wide tracking URI (an MLflow shortcoming);
    # unset, that is a new mlflow.db in the working folder. Point it at ours for the length of the call.
    with _use_tracking_uri(uri):
        experiment_id = _experiment(client, record.experiment)
        run = client.create_run(experiment_id, run_name=record.run_name, tags=record.tags)
        run_id = run.info.run_id
        try:
            timestamp = run.info.start_time
            client.log_batch(
                run_id,
                metrics=[Metric(k, v, timestamp, 0) for k, v in record.metrics.items()],
                params=[Param(k, v) for k, v in record.params.items()],
            )
            # The card as given (the figures logged above came from it), beside the model file.
            card_text = json.dumps(card, indent=2, default=str)
            client.log_text(run_id, card_text, f"{MODEL_ARTIFACT_FOLDER}/{MODEL_CARD_FILE}")
            client.log_artifact(run_id, str(model_file), MODEL_ARTIFACT_FOLDER)
            version = _register(client, name, f"{run.info.artifact_uri}/{MODEL_ARTIFACT_FOLDER}", run_id, card)
            client.log_batch(run_id, tags=[RunTag("registered_model", f"{name}/{version}")])
            client.set_terminated(run_id, "FINISHED")
        except Exception:
            with contextlib.suppress(Exception):
                client.set_terminated(run_id, "FAILED")
            raise
    return TrackedRun(run_id, record.experiment, name, str(version))


def _experiment(client: Any, name: str) -> str:
    """The id of the experiment called ``name``, created when there is none."""
    from mlflow.exceptions import MlflowException

    found = client.get_experiment_by_name(name)
    if found is None:
        try:
            return str(client.create_experiment(name))
        except MlflowException as exc:  # created meanwhile by another training
            if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            found = client.get_experiment_by_name(name)
    if found.lifecycle_stage == "deleted":
        raise TrackingError(
            f"Not logged to MLflow: the experiment {name!r} was deleted there. "
            "Restore it in MLflow (or delete it for good) and train again."
        )
    return str(found.experiment_id)


def _register(client: Any, name: str, source: str, run_id: str, card: Mapping[str, Any]) -> str:
    """A new version of the registered model ``name`` (created on first use); returns its number."""
    from mlflow.exceptions import MlflowException

    try:
        client.create_registered_model(name, description="Trial Retention Radar dropout-risk models.")
    except MlflowException as exc:
        if exc.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    tags = {k: str(card[k]) for k in ("model_version", "model_sha256") if card.get(k)}
    version = client.create_model_version(name, source, run_id=run_id, tags=tags, await_creation_for=0)
    return str(version.version)


def failure_message(exc: BaseException, uri: str) -> str:
    """Why logging to ``uri`` failed, in words, with the URI's and the environment's secrets left out."""
    text = str(exc)
    if "MLFLOW_ALLOW_FILE_STORE" in text:
        reason = (
            "MLflow only accepts a folder (file:) store when MLFLOW_ALLOW_FILE_STORE=true is set; set it, or "
            "point MLFLOW_TRACKING_URI at an MLflow server or a sqlite:/// database"
        )
    elif re.search(r"Max retries exceeded|Failed to establish|Connection refused|timed out|Read timed out", text):
        reason = "the server did not answer (is it running, and is the address right?)"
    elif re.search(r"\b(401|403)\b|Unauthorized|Forbidden|PERMISSION_DENIED|UNAUTHENTICATED", text):
        reason = "the server refused access (check MLFLOW_TRACKING_USERNAME and _PASSWORD, or _TOKEN)"
    elif "unsupported URI" in text or "Unexpected URI scheme" in text or "Could not find a registered" in text:
        reason = "MLflow does not know this kind of address"
    else:
        text = text.replace(uri, redacted_uri(uri))
        first_line = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
        reason = first_line[:MAX_REASON_LENGTH] + ("…" if len(first_line) > MAX_REASON_LENGTH else "")
    return _scrub(
        f"The model was trained and saved, but logging it to MLflow at {redacted_uri(uri)} failed: {reason}.", uri
    )


def redacted_uri(uri: str) -> str:
    """The URI without user name, password, query or fragment: safe to show and to log."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:  # e.g. a malformed port: show only the kind of address
        return uri.split(":", 1)[0] + ":…"


def _scrub(text: str, uri: str) -> str:
    """``text`` with every secret the URI or the environment could have put into it replaced by ***."""
    secrets = [os.environ.get(v, "") for v in CREDENTIAL_VARIABLES]
    with contextlib.suppress(ValueError):
        parts = urlsplit(uri)
        secrets += [parts.password or "", parts.username or "", parts.query, parts.fragment]
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def registered_name(version_name: str) -> str:
    """MLflow's model name for a version: its trial and kind (``CDISC-Pilot-01-logit``), each training a new version."""
    return version_name.rsplit("-", 1)[0] if version_name.count("-") >= 2 else version_name


def log_versions(uri: str | None, versions: list[Version]) -> tuple[list[TrackedRun], list[str]]:
    """Log each trained version to MLflow when ``uri`` is set: the runs made, and a warning per failure."""
    runs: list[TrackedRun] = []
    warnings: list[str] = []
    for version in versions if uri else []:
        try:
            runs.append(log_training(version.folder, version.card, str(uri), registered_name(version.name)))
        except TrackingError as exc:
            warnings.append(f"{version.name} is saved here but was not logged to MLflow: {exc}")
    return runs, warnings
