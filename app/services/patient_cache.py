"""The Patient page's cached score and assessment: reruns (what-if edits) reuse them instead of recomputing.

Cached per session and keyed by the patient's values, the threshold, the bands and the model's
SHA-256; the bundle and the frame ride along unhashed (leading underscore).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from core.decisions.bands import RiskBand
from core.model.bundle import ModelBundle
from core.scoring.assess import Assessment, assess_patient, score_patient


def _key(patient: pd.DataFrame) -> tuple[str, ...]:
    return tuple(str(v) for v in patient.iloc[0].tolist())


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def _score(
    key: tuple,
    threshold: float,
    bands: tuple[RiskBand, ...],
    model_sha256: str,
    _bundle: ModelBundle,
    _patient: pd.DataFrame,
) -> dict:
    return score_patient(_bundle, _patient, bands, threshold)


@st.cache_data(max_entries=32, show_spinner=False, scope="session")
def _assessment(key: tuple, model_sha256: str, _bundle: ModelBundle, _patient: pd.DataFrame) -> Assessment:
    return assess_patient(_bundle, _patient)


def cached_score(patient: pd.DataFrame, threshold: float) -> dict:
    """Score of a validated one-row frame."""
    bundle = state.get_bundle()
    return _score(_key(patient), threshold, state.bands(), bundle.sha256, bundle, patient)


def cached_assessment(patient: pd.DataFrame) -> Assessment:
    """Explanation and actionable changes of a validated one-row frame."""
    bundle = state.get_bundle()
    return _assessment(_key(patient), bundle.sha256, bundle, patient)
