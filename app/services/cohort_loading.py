"""Loading the session's cohort: scored once per file content (SHA-256 of the bytes), kept per session.

Kept in session state rather than st.cache_data: the cache would pickle a million-row frame on every
hit, and its DataFrame hashing samples large frames.
"""

from __future__ import annotations

import hashlib
import logging

import pandas as pd
import streamlit as st

from app import state
from app.services import audit_trail
from app.text import plain
from core.paths import DEMO_COHORT_PATH
from core.reading.dated import AmbiguousDateColumns
from core.reading.errors import SchemaError
from core.scoring.cohort import ScoredCohort, score_upload, summarise

log = logging.getLogger(__name__)


def load(
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    *,
    as_of: pd.Timestamp | None = None,
    day_first: bool | None = None,
) -> ScoredCohort | None:
    """Score the file unless this session already scored the same bytes with the same mapping and date.

    On an unusable file, keeps the message (``state.cohort_error``), takes the previous cohort off the
    screen (a coordinator must never act on last week's list under this week's file name) and returns None.
    A file whose dates read both ways leaves a question (``state.date_question``) instead.
    """
    digest = hashlib.sha256(data).hexdigest()
    loaded = state.cohort()
    same_mapping = mapping is None or (loaded is not None and loaded.result.mapping == mapping)
    same_date = as_of is None or (loaded is not None and loaded.result.as_of == as_of)
    if loaded is not None and loaded.sha256 == digest and same_mapping and same_date and day_first is None:
        state.set_cohort_error(None)  # what was asked for is what is shown: an older refusal is moot
        return loaded
    settings = state.settings()
    try:
        with st.spinner(f"Checking and scoring {plain(filename)}…"):
            cohort = score_upload(
                data,
                filename,
                state.get_bundle(),
                settings.bands,
                mapping,
                max_upload_mb=settings.max_upload_mb,
                as_of=as_of,
                day_first=day_first,
            )
    except AmbiguousDateColumns as exc:
        state.clear_cohort()
        state.set_date_question((digest, str(exc)))
        return None
    except SchemaError as exc:
        state.clear_cohort()
        state.set_cohort_error(f"{filename} could not be used, so no patients are shown. {exc}")
        return None
    state.set_cohort_error(None)
    state.set_date_question(None)
    state.set_cohort(cohort)
    summary = summarise(cohort.curves, state.policy())
    audit_trail.record(
        "cohort_scored",
        input_sha256=digest,
        n_rows_read=cohort.result.n_read,
        n_rows_with_problems=cohort.result.n_invalid_rows,
        n_patients=summary.patients,
        n_flagged=summary.flagged,
        mean_probability=round(summary.expected_dropouts / max(summary.patients, 1), 4),
    )
    log.info(
        "cohort scored: %d rows read, %d valid (file sha256 %s)", cohort.result.n_read, len(cohort.scored), digest[:12]
    )
    return cohort


def load_demo() -> ScoredCohort | None:
    return load(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name)
