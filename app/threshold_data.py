"""Which patients the Thresholds page evaluates, and their curves (built once per source)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from core.cohort import ScoredCohort
from core.config import OUTCOME_COLUMN, SITE_COLUMN
from core.decision import ThresholdCurves
from core.evaluation import SubgroupCurves, age_groups
from core.metrics import cohort_summary
from core.model import load_holdout

COHORT_OBSERVED = "Your cohort, with its observed outcomes"
COHORT_EXPECTED = "Your cohort, expected from the model's probabilities"
TEST_SPLIT = "The model's test split (observed outcomes, synthetic)"
SUBGROUPS = {"Gender": "gender", "Age group": "age_group", "Arm": "treatment_group", "Site": SITE_COLUMN}
_CACHE = "threshold_data_cache"


@dataclass
class EvaluationData:
    source: str
    labelled: bool
    curves: ThresholdCurves
    subgroups: dict[str, SubgroupCurves]
    probability: np.ndarray
    n_patients: int
    metrics: dict | None = None  # held-out style metrics on a labelled cohort (core.metrics.cohort_summary)


def available_sources(cohort: ScoredCohort | None) -> list[str]:
    if cohort is None or cohort.scored.empty:
        return [TEST_SPLIT]
    if cohort.result.has_outcome:
        return [COHORT_OBSERVED, COHORT_EXPECTED, TEST_SPLIT]
    return [COHORT_EXPECTED, TEST_SPLIT]


def _build(source: str, frame: pd.DataFrame, labelled: bool) -> EvaluationData:
    probability = frame["probability"].to_numpy(dtype=float)
    outcome = frame[OUTCOME_COLUMN].to_numpy(dtype=float) if labelled else None
    curves = ThresholdCurves(probability, outcome)
    columns = frame.assign(age_group=age_groups(frame["age"]))
    subgroups = {label: SubgroupCurves(curves, columns[column], outcome)
                 for label, column in SUBGROUPS.items() if column in columns}
    metrics = cohort_summary(outcome, probability) if labelled and source != TEST_SPLIT else None
    return EvaluationData(source, labelled, curves, subgroups, probability, len(frame), metrics)


@st.cache_resource(show_spinner=False, max_entries=2)
def _test_split(model_sha256: str) -> EvaluationData:
    return _build(TEST_SPLIT, load_holdout(), labelled=True)


def evaluation_data(source: str, cohort: ScoredCohort | None) -> EvaluationData:
    """Curves for the chosen source; cohort ones are kept per session and rebuilt only for a new file."""
    if source == TEST_SPLIT or cohort is None:
        return _test_split(state.get_bundle().card["model_sha256"])
    key = (source, cohort.sha256, tuple(sorted(cohort.result.mapping.items())))
    cached = st.session_state.get(_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    frame = cohort.scored
    if source == COHORT_OBSERVED:
        frame = frame[frame[OUTCOME_COLUMN].notna()]
    data = _build(source, frame, labelled=source == COHORT_OBSERVED)
    st.session_state[_CACHE] = (key, data)
    return data
