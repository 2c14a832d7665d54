"""A trial history uploaded on the Cohort page: its files, how to read them, and its patients as of a date.

The files are read once per reading choice (the order of day and month, the trial's phase); the
snapshot is scored once per date and arm mapping, and becomes the session's cohort, so every page,
filter and export works on it as on an uploaded cohort file.
"""

from __future__ import annotations

import logging

import streamlit as st

from app import state
from app.records import LoadedHistory
from app.services import audit_trail
from app.text import plain
from core.history.reader import read_history
from core.history.trial_history import TrialHistory
from core.history.validation import AmbiguousDatesError
from core.reading.errors import SchemaError
from core.scoring.cohort import ScoredCohort
from core.scoring.trial_as_of import score_history

log = logging.getLogger(__name__)


def open_history(label: str, files: dict[str, bytes]) -> None:
    """Start on a new history: the previous cohort and history leave the screen."""
    state.clear_cohort()
    state.set_history(LoadedHistory(label, files))


def read(loaded: LoadedHistory) -> TrialHistory | None:
    """The history, read with the user's answers (once per set of answers); None while a question is open."""
    choices = (loaded.day_first, loaded.phase)
    if loaded.history is not None and loaded.read_with == choices:
        return loaded.history
    try:
        with st.spinner(f"Reading {plain(loaded.label)}…"):
            loaded.history = read_history(
                loaded.files,
                day_first=loaded.day_first,
                phase=loaded.phase,
                max_upload_mb=state.settings().max_upload_mb,
            )
    except AmbiguousDatesError as exc:
        loaded.ambiguous, loaded.history = exc, None
        return None
    except SchemaError as exc:
        state.clear_cohort()
        state.set_cohort_error(f"{loaded.label} could not be read as a trial history, so no patients are shown. {exc}")
        loaded.history = None
        return None
    loaded.ambiguous, loaded.read_with = None, choices
    state.set_cohort_error(None)
    return loaded.history


def score(loaded: LoadedHistory, history: TrialHistory) -> ScoredCohort | None:
    """The history's patients as of the chosen date, scored (once per date and arm mapping)."""
    assert loaded.as_of is not None
    bundle, settings = state.get_bundle(), state.settings()
    current = state.cohort()
    try:
        cohort = score_history(
            history, loaded.files, loaded.label, loaded.as_of, bundle, settings.bands, loaded.arm_mapping
        )
    except SchemaError as exc:
        state.clear_cohort()
        state.set_cohort_error(f"{loaded.label} as of {loaded.as_of.date()} could not be scored. {exc}")
        return None
    if current is not None and current.sha256 == cohort.sha256:
        return current  # the same scoring: keep the reasons already explained
    state.set_cohort(cohort)
    audit_trail.record(
        "history_scored",
        input_sha256=cohort.sha256,
        as_of=str(loaded.as_of.date()),
        n_rows_read=cohort.result.n_read,
        n_patients=len(cohort.scored),
    )
    log.info("history scored as of %s: %d patients", loaded.as_of.date(), len(cohort.scored))
    return cohort
