"""The Patient page's cached assessment: reruns (what-if edits) reuse it instead of recomputing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from core.assess import Assessment, assess_patient, score_patient


def _key(patient: pd.DataFrame) -> tuple[str, ...]:
    return tuple(str(v) for v in patient.iloc[0].tolist())


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def _score(key: tuple, threshold: float, model_sha256: str, _patient: pd.DataFrame) -> dict:
    return score_patient(state.get_bundle(), _patient, threshold)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def _assessment(key: tuple, model_sha256: str, _patient: pd.DataFrame) -> Assessment:
    return assess_patient(state.get_bundle(), _patient)


def cached_score(patient: pd.DataFrame, threshold: float) -> dict:
    """Score of a validated one-row frame, keyed by its values, the threshold and the model."""
    return _score(_key(patient), threshold, state.get_bundle().card["model_sha256"], patient)


def cached_assessment(patient: pd.DataFrame) -> Assessment:
    """Explanation and actionable changes of a validated one-row frame (keyed like cached_score)."""
    return _assessment(_key(patient), state.get_bundle().card["model_sha256"], patient)
