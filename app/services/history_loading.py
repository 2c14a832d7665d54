"""A trial history uploaded on the Cohort page: its files, how to read them, and its patients as of a date.

The files are read once per reading choice (the order of day and month, the trial's phase, the user's
column matching, remembered for the trial in the session); the snapshot is scored once per date and arm
mapping, and becomes the session's cohort, so every page, filter and export works on it as on an uploaded
cohort file. Whatever the files hold, the page gets a plain message, never a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from app import state
from app.records import Columns, LoadedHistory, TableColumns, trial_name
from app.services import audit_trail, store_access
from app.text import plain
from core.history.columns import TABLES
from core.history.contracts import HISTORY
from core.history.matching import match_table
from core.history.reader import is_sdtm, read_history
from core.history.sources import read_sources
from core.history.three_tables import recognise
from core.history.trial_history import TrialHistory
from core.history.validation import AmbiguousDatesError
from core.reading.errors import SchemaError
from core.scoring.cohort import ScoredCohort
from core.scoring.trial_as_of import score_history

log = logging.getLogger(__name__)


def open_history(label: str, files: dict[str, bytes]) -> None:
    """Start on a new history: the previous cohort and history leave the screen; the trial's matching is kept
    (this session's choice, else the one saved in the store)."""
    state.clear_cohort()
    trial = trial_name(files)
    columns = state.history_columns(trial)
    if not columns and not is_sdtm(files):
        saved = store_access.attempt(
            lambda store: store.history_columns.latest(trial),
            "The column matching saved for this trial could not be read, so the columns are matched afresh.",
        )
        columns = saved or {}
    state.set_history(LoadedHistory(label, files, columns=columns))


def apply_columns(loaded: LoadedHistory, columns: Columns) -> None:
    """Read the history again with the user's own column matching, and remember it for the trial: in the
    session, and in the store for the next time these files come."""
    loaded.columns = {table: dict(chosen) for table, chosen in columns.items() if chosen}
    state.set_history_columns(loaded.trial, loaded.columns)
    who = state.current_person().name
    store_access.attempt(
        lambda store: store.history_columns.save(loaded.trial, loaded.columns, changed_by=who),
        "The column matching is used in this session but was not saved for next time.",
    )


def _refuse(loaded: LoadedHistory, message: str) -> None:
    state.clear_cohort()
    state.set_cohort_error(message)
    loaded.history, loaded.failed_with = None, loaded.choices


def read(loaded: LoadedHistory) -> TrialHistory | None:
    """The history, read with the user's answers (once per set of answers); None while a question is open
    or when the files cannot be read (the session's cohort error says why, in plain words)."""
    choices = loaded.choices
    if loaded.history is not None and loaded.read_with == choices:
        return loaded.history
    if loaded.failed_with == choices:
        return None
    try:
        with st.spinner(f"Reading {plain(loaded.label)}…"):
            loaded.history = read_history(
                loaded.files,
                day_first=loaded.day_first,
                phase=loaded.phase,
                max_upload_mb=state.settings().max_upload_mb,
                columns=loaded.columns or None,
            )
    except AmbiguousDatesError as exc:
        loaded.ambiguous, loaded.history = exc, None
        return None
    except SchemaError as exc:
        _refuse(loaded, f"{loaded.label} could not be read as a trial history, so no patients are shown. {exc}")
        loaded.matches = matches_in_files(loaded)
        return None
    except Exception:  # whatever the files hold, a message and never a traceback; the log keeps the detail
        log.exception("a trial history could not be read")
        _refuse(
            loaded,
            f"{loaded.label} could not be read as a trial history, so no patients are shown. "
            "Check that the files are the trial's subjects, visits and adverse-events tables (CSV or Excel), "
            "or its SDTM domains, and upload them again.",
        )
        loaded.matches = []
        return None
    loaded.ambiguous, loaded.read_with, loaded.failed_with = None, choices, None
    loaded.matches = matches_in_report(loaded.history)
    state.set_cohort_error(loaded.history.report.no_patients())  # None when it has patients to score
    return loaded.history


def matches_in_report(history: TrialHistory) -> list[TableColumns]:
    """How each of the three tables' columns were matched (none for SDTM, whose variable names are fixed)."""
    return [
        TableColumns(t.table, t.source, [*t.mapping.values(), *t.unmatched], dict(t.mapping), list(t.unmatched))
        for t in history.report.tables
        if t.table in TABLES
    ]


def matches_in_files(loaded: LoadedHistory) -> list[TableColumns]:
    """When reading failed: each recognised table's headers and their matching, so the user can fix a missing one."""
    try:
        if is_sdtm(loaded.files):
            return []
        found, _ = recognise(read_sources(loaded.files), HISTORY, loaded.columns)
        out = []
        for table, source in found.items():
            headers = [str(h) for h in source.frame.columns]
            chosen = {f: h for f, h in loaded.columns.get(table, {}).items() if h in headers}
            match = match_table(headers, HISTORY.contracts[table], chosen)
            out.append(TableColumns(table, source.label, headers, match.mapping, match.unmatched))
        return sorted(out, key=lambda m: TABLES.index(m.table))
    except Exception:  # the tables cannot even be told apart: the message already says what to do
        return []


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
    except Exception:  # a message, never a traceback; the log keeps the detail
        log.exception("a trial history could not be scored")
        state.clear_cohort()
        state.set_cohort_error(
            f"{loaded.label} as of {loaded.as_of.date()} could not be scored. "
            "Try another date, or check the history's tables."
        )
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
