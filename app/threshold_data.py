"""Which patients the Thresholds page evaluates, and their curves (built once per source)."""

from __future__ import annotations

import streamlit as st

from app import state
from core.cohort import ScoredCohort
from core.config import OUTCOME_COLUMN
from core.evaluation import EvaluationData, build_evaluation
from core.model import load_holdout

COHORT_OBSERVED = "Your cohort, with its observed outcomes"
COHORT_EXPECTED = "Your cohort, expected from the model's probabilities"
TEST_SPLIT = "The model's test split (observed outcomes, synthetic)"
_CACHE = "threshold_data_cache"


def available_sources(cohort: ScoredCohort | None) -> list[str]:
    if cohort is None or cohort.scored.empty:
        return [TEST_SPLIT]
    if cohort.result.has_outcome:
        return [COHORT_OBSERVED, COHORT_EXPECTED, TEST_SPLIT]
    return [COHORT_EXPECTED, TEST_SPLIT]


@st.cache_resource(show_spinner=False, max_entries=2)
def _test_split(model_sha256: str) -> EvaluationData:
    return build_evaluation(TEST_SPLIT, load_holdout(), labelled=True)


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
    data = build_evaluation(source, frame, labelled=source == COHORT_OBSERVED, with_metrics=True)
    st.session_state[_CACHE] = (key, data)
    return data
