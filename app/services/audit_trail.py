"""Record scoring events in the audit log; a failed write is shown to the user, never swallowed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import streamlit as st

from app import state
from core.trust.audit import AuditError, AuditLog

log = logging.getLogger(__name__)


def log_directory() -> Path:
    """Where the audit log lives (RRADAR_LOG_DIR, else logs/ in the project)."""
    return state.settings().log_dir


def settings_fields() -> dict[str, Any]:
    """Model and settings in force, recorded with every event."""
    bundle = state.get_bundle()
    costs = state.costs()
    return {
        "model_version": bundle.version,
        "model_sha256": bundle.sha256,
        "threshold": round(state.threshold(), 4),
        "intervention_cost": costs.intervention_cost,
        "dropout_cost": costs.dropout_cost,
        "effectiveness": costs.effectiveness,
        "capacity": state.capacity(),
    }


def try_record(event: str, patient_ids: Iterable[str] = (), **fields: Any) -> str | None:
    """Append one event with the settings in force; returns None, or the error message if it failed."""
    try:
        AuditLog.open(log_directory(), state.settings().audit_salt).record(
            event, patient_ids=patient_ids, **settings_fields(), **fields
        )
    except AuditError as exc:
        log.error("audit write failed: %s", exc)
        return f"This action could not be recorded in the audit trail: {exc}. Tell your administrator."
    return None


def try_record_access(event: str, **fields: Any) -> str | None:
    """Append a sign-in or user-account event (who, what; never a password or hash); None, or the error message."""
    try:
        AuditLog.open(log_directory(), state.settings().audit_salt).record(event, **fields)
    except AuditError as exc:
        log.error("audit write failed: %s", exc)
        return f"This was done, but it could not be recorded in the audit trail: {exc}. Tell your administrator."
    return None


def record(event: str, patient_ids: Iterable[str] = (), **fields: Any) -> bool:
    """Append one event; on failure show the reason on the page. True when recorded."""
    error = try_record(event, patient_ids, **fields)
    if error:
        st.error(error, icon=":material/report:")
    return error is None


def audited_download(
    event: str, build: Callable[[], bytes], patient_ids: Callable[[], Iterable[str]], **fields: Any
) -> Callable[[], bytes]:
    """A download callable that builds the file, records the export, then hands the file over.

    Streamlit runs it outside the page (no session state, no page output), so everything it needs is
    captured now. A file that fails to build is not recorded as delivered, and a file whose export
    cannot be recorded is not given out: either way the download holds the reason instead of the data.
    """
    directory, salt = log_directory(), state.settings().audit_salt
    recorded = {**settings_fields(), **fields}

    def run() -> bytes:
        try:
            data = build()
        except Exception as exc:  # any failure to build: the user gets the reason, not a broken file
            log.exception("export %s failed to build", event)
            return _message(f"The export could not be made ({type(exc).__name__}); nothing was exported.")
        ids = list(patient_ids())
        try:
            AuditLog.open(directory, salt).record(event, patient_ids=ids, n_patients=len(ids), **recorded)
        except AuditError as exc:
            log.error("audit write failed, export withheld: %s", exc)
            return _message(f"Export withheld: it could not be recorded in the audit trail ({exc}).")
        return data

    return run


def _message(text: str) -> bytes:
    return f"message\r\n{text} Tell your administrator.\r\n".encode()
