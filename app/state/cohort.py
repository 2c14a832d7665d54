"""Session state of the loaded cohort: the scored cohort or why it is missing, the upload handled, a file's
date question and answer, a trial history being read and each trial's column matching, and the Thresholds
page's curves of the cohort.
"""

from __future__ import annotations

import streamlit as st

from app.records import Columns, LoadedHistory
from app.state.keys import (
    COHORT,
    COHORT_ERROR,
    DATE_ORDER,
    DATE_QUESTION,
    EVALUATION_CACHE,
    FILTER_KEYS,
    HISTORY,
    HISTORY_COLUMNS,
    LAST_UPLOAD,
    OPEN_TRIAL,
    REOPEN_TRIED,
    REOPENED,
    THRESHOLD_CHOSEN,
    THRESHOLD_START,
    TRIAL_NAME,
    TRIAL_REQUEST,
)
from core.scoring.cohort import ScoredCohort
from core.scoring.evaluation import EvaluationData

__all__ = [
    "cohort",
    "set_cohort",
    "cohort_error",
    "set_cohort_error",
    "last_upload",
    "set_last_upload",
    "clear_cohort",
    "date_question",
    "set_date_question",
    "date_order",
    "set_date_order",
    "history",
    "set_history",
    "history_columns",
    "set_history_columns",
    "evaluation_cache",
    "set_evaluation_cache",
    "trial_name",
    "open_trial",
    "set_open_trial",
    "trial_request",
    "set_trial_request",
    "reopened",
    "set_reopened",
    "reopen_tried",
    "set_reopen_tried",
    "threshold_chosen",
    "set_threshold_chosen",
    "threshold_start",
    "set_threshold_start",
]


def trial_name() -> str:
    """The trial the user says a weekly list belongs to (the Cohort page's "Trial" box; "" when not named)."""
    return " ".join(str(st.session_state.get(TRIAL_NAME) or "").split())


def cohort() -> ScoredCohort | None:
    return st.session_state.get(COHORT)


def set_cohort(value: ScoredCohort) -> None:
    """Put a cohort on screen; another cohort than the one shown starts with no filter and no "reopened" note."""
    shown = st.session_state.get(COHORT)
    if shown is None or shown.sha256 != value.sha256:
        for key in (*FILTER_KEYS, REOPENED):
            st.session_state.pop(key, None)
    st.session_state[COHORT] = value


def open_trial() -> str | None:
    """The trial of the week on screen (None: none yet)."""
    return st.session_state.get(OPEN_TRIAL)


def set_open_trial(trial: str) -> None:
    st.session_state[OPEN_TRIAL] = trial


def trial_request() -> str | None:
    """A trial the trial switcher asked to open (None: nothing asked)."""
    return st.session_state.get(TRIAL_REQUEST)


def set_trial_request(trial: str | None) -> None:
    if trial is None:
        st.session_state.pop(TRIAL_REQUEST, None)
    else:
        st.session_state[TRIAL_REQUEST] = trial


def reopened() -> tuple[str, str, object] | None:
    """(file SHA-256, trial, day) of the week on screen when it was reopened from the store."""
    return st.session_state.get(REOPENED)


def set_reopened(value: tuple[str, str, object]) -> None:
    st.session_state[REOPENED] = value


def reopen_tried() -> bool:
    return bool(st.session_state.get(REOPEN_TRIED))


def set_reopen_tried() -> None:
    st.session_state[REOPEN_TRIED] = True


def threshold_chosen() -> bool:
    """True once the user moved the threshold in this session: a new cohort then keeps it."""
    return bool(st.session_state.get(THRESHOLD_CHOSEN))


def set_threshold_chosen() -> None:
    st.session_state[THRESHOLD_CHOSEN] = True


def threshold_start() -> str | None:
    """The cohort (file SHA-256) whose starting threshold this session already decided."""
    return st.session_state.get(THRESHOLD_START)


def set_threshold_start(digest: str) -> None:
    st.session_state[THRESHOLD_START] = digest


def cohort_error() -> str | None:
    return st.session_state.get(COHORT_ERROR)


def set_cohort_error(message: str | None) -> None:
    if message is None:
        st.session_state.pop(COHORT_ERROR, None)
    else:
        st.session_state[COHORT_ERROR] = message


def last_upload() -> str | None:
    return st.session_state.get(LAST_UPLOAD)


def set_last_upload(file_id: str) -> None:
    st.session_state[LAST_UPLOAD] = file_id


def clear_cohort() -> None:
    """Take the cohort (and any message about it) off the screen; which upload was last handled stays known."""
    for key in (COHORT, COHORT_ERROR):
        st.session_state.pop(key, None)


def date_question() -> tuple[str, str] | None:
    return st.session_state.get(DATE_QUESTION)


def set_date_question(value: tuple[str, str] | None) -> None:
    if value is None:
        st.session_state.pop(DATE_QUESTION, None)
    else:
        st.session_state[DATE_QUESTION] = value


def date_order(digest: str) -> bool | None:
    """The order of day and month the user gave for the file with this SHA-256 (None: not asked)."""
    kept = st.session_state.get(DATE_ORDER)
    return kept[1] if kept and kept[0] == digest else None


def set_date_order(digest: str, day_first: bool) -> None:
    st.session_state[DATE_ORDER] = (digest, day_first)


def history() -> LoadedHistory | None:
    """The trial history being scored, if the upload was one."""
    return st.session_state.get(HISTORY)


def set_history(value: LoadedHistory | None) -> None:
    if value is None:
        st.session_state.pop(HISTORY, None)
    else:
        st.session_state[HISTORY] = value


def history_columns(trial: str) -> Columns:
    """The column matching the user chose for this trial in this session (empty: automatic)."""
    return dict(st.session_state.get(HISTORY_COLUMNS, {}).get(trial, {}))


def set_history_columns(trial: str, columns: Columns) -> None:
    st.session_state[HISTORY_COLUMNS] = {**st.session_state.get(HISTORY_COLUMNS, {}), trial: columns}


def evaluation_cache() -> tuple[tuple[object, ...], EvaluationData] | None:
    return st.session_state.get(EVALUATION_CACHE)


def set_evaluation_cache(key: tuple[object, ...], data: EvaluationData) -> None:
    st.session_state[EVALUATION_CACHE] = (key, data)
