"""Session state of model versions and training: the version this session last ran with, the last training's
outcome, and whether a training was interrupted.
"""

from __future__ import annotations

import streamlit as st

from app.records import TrainingOutcome
from app.state.keys import (
    COHORT,
    COHORT_ERROR,
    EVALUATION_CACHE,
    LAST_UPLOAD,
    MODEL_SEEN,
    OVERTAKING,
    PATIENT_RESULT,
    REPLAY,
    TRAINING,
    TRAINING_RUNNING,
)
from core.model.bundle import ModelBundle
from core.replay.overtaking import Moment

__all__ = [
    "model_changed",
    "training",
    "set_training",
    "set_training_running",
    "pop_training_interrupted",
    "replay",
    "set_replay",
]


def model_changed(bundle: ModelBundle) -> str | None:
    """When the version in use changed since this session's last run (a promotion or rollback), clear what the old
    model scored and say so; None otherwise."""
    seen = st.session_state.get(MODEL_SEEN)
    st.session_state[MODEL_SEEN] = bundle.version
    if seen is None or seen == bundle.version:
        return None
    for key in (COHORT, COHORT_ERROR, LAST_UPLOAD, EVALUATION_CACHE, PATIENT_RESULT):
        st.session_state.pop(key, None)
    return (
        f"The model in use changed from {seen} to {bundle.version}. Scores made with the old model were cleared: "
        f"upload this week's file again to score it with the new one (its suggested threshold is "
        f"{bundle.default_threshold:.0%})."
    )


def training() -> TrainingOutcome | None:
    return st.session_state.get(TRAINING)


def set_training(value: TrainingOutcome) -> None:
    st.session_state[TRAINING] = value


def set_training_running(running: bool) -> None:
    st.session_state[TRAINING_RUNNING] = running


def pop_training_interrupted() -> bool:
    """True once after a training run was interrupted (the user stopped it, or left the page)."""
    return bool(st.session_state.pop(TRAINING_RUNNING, False))


def replay() -> tuple[str, float, dict | str] | None:
    """The last replay on the Train page: the trial, the calls a week as a share, and the result (or why not)."""
    return st.session_state.get(REPLAY)


def set_replay(trial: str, share: float, result: dict | str) -> None:
    st.session_state[REPLAY] = (trial, share, result)


def overtaking() -> tuple[str, list[Moment] | str] | None:
    """The last "would the trial's own model do better?" on the Train page: the trial and its moments (or why not)."""
    return st.session_state.get(OVERTAKING)


def set_overtaking(trial: str, result: list[Moment] | str) -> None:
    st.session_state[OVERTAKING] = (trial, result)
