"""Session state of the Patient page: the values it opens with, the patient assessed, and its forms' starting values."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app.state.keys import ASSESS_BUTTON, FORM_START, PATIENT_AUDIT_PENDING, PATIENT_PREFILL, PATIENT_RESULT

__all__ = [
    "set_patient_prefill",
    "pop_patient_prefill",
    "patient_result",
    "set_patient_result",
    "pop_patient_audit_pending",
    "form_start",
    "set_form_start",
    "assess_clicked",
]


def set_patient_prefill(values: dict[str, Any]) -> None:
    """Open the Patient page with these values (a patient picked in the cohort table)."""
    st.session_state[PATIENT_PREFILL] = values


def pop_patient_prefill() -> dict[str, Any] | None:
    return st.session_state.pop(PATIENT_PREFILL, None)


def patient_result() -> pd.DataFrame | None:
    return st.session_state.get(PATIENT_RESULT)


def set_patient_result(patient: pd.DataFrame | None) -> None:
    if patient is None:
        st.session_state.pop(PATIENT_RESULT, None)
    else:
        st.session_state[PATIENT_RESULT] = patient
        st.session_state[PATIENT_AUDIT_PENDING] = True


def pop_patient_audit_pending() -> bool:
    return bool(st.session_state.pop(PATIENT_AUDIT_PENDING, False))


def form_start(prefix: str) -> tuple[int, dict[str, Any]] | None:
    return st.session_state.get(FORM_START, {}).get(prefix)


def set_form_start(prefix: str, generation: int, values: dict[str, Any]) -> None:
    st.session_state.setdefault(FORM_START, {})[prefix] = (generation, dict(values))


def assess_clicked() -> bool:
    return bool(st.session_state.get(ASSESS_BUTTON))
