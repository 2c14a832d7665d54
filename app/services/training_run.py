"""Run a training from the Train page: read the history, train with a progress bar, register, record.

The versions are registered only after the whole training finished; a refusal, an error or the user
stopping it (Streamlit interrupts the run at the next progress update) leaves the registry untouched.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from app import state
from app.records import TrainingOutcome
from app.services import audit_trail
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.reader import files_sha256, read_history
from core.history.trial_history import TrialHistory
from core.training import tracking
from core.training.landmark_data import TrainingRefused
from core.training.trial_training import TrainingOptions, TrainingSource, train_history
from core.training.trial_versions import register_versions

log = logging.getLogger(__name__)


def read(files: dict[str, bytes], day_first: bool | None) -> TrialHistory:
    """The history (raises AmbiguousDatesError or SchemaError, which the page turns into a question or message)."""
    return read_history(files, day_first=day_first, max_upload_mb=state.settings().max_upload_mb)


def _tracked(outcome: TrainingOutcome) -> None:
    """Log the versions to MLflow when the deployment points to one; a failure is a warning, never an undo."""
    trained = [v for v in state.registry().versions() if v.name in outcome.versions.values()]
    _, warnings = tracking.log_versions(tracking.tracking_uri(state.settings()), trained)
    outcome.warnings += warnings


def run(
    history: TrialHistory, files: dict[str, bytes], trial: str, outcome: OutcomeDefinition = DEFAULT_OUTCOME
) -> TrainingOutcome:
    """Train on ``history`` (``outcome`` says what counts as dropout) with a progress bar; register both versions;
    record it in the audit trail."""
    bar = st.progress(0.0, text="Starting…")

    def progress(fraction: float, words: str) -> None:
        bar.progress(fraction, words)

    source = TrainingSource(trial, tuple(sorted(files)), files_sha256(files))
    options = TrainingOptions(costs=state.costs(), outcome=outcome)
    try:
        result = train_history(history, source, options, state.get_bundle(), progress)
    except TrainingRefused as exc:
        bar.empty()
        return TrainingOutcome(trial, refused=str(exc))
    names = register_versions(result, state.registry())
    recommended = str(result.recommendation["family"])
    done = TrainingOutcome(trial, names, recommended)
    bar.empty()
    audit_trail.record(
        "model_trained",
        trial=trial,
        outcome=outcome.name,
        versions=list(names.values()),
        recommended=names[recommended],
        by=state.current_person().name,
        **_headline(result.results),
    )
    _tracked(done)
    return done


def _headline(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {f"{name}_roc_auc": r["summary"]["roc_auc"]["value"] for name, r in results.items()}


def promote(version: str) -> None:
    """Put ``version`` in use, recorded with who did it; the next run of every page uses it."""
    who = state.current_person().name
    previous = state.registry().promote(version, who)
    audit_trail.record("model_promoted", version=version, replaced=previous, by=who)
    log.info("model %s promoted (replacing %s)", version, previous)


def rollback() -> str:
    who = state.current_person().name
    restored = state.registry().rollback(who)
    audit_trail.record("model_rolled_back", version=restored, by=who)
    log.info("model rolled back to %s", restored)
    return restored
