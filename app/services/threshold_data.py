"""Which patients the Thresholds page evaluates, and their curves (built once per source)."""

from __future__ import annotations

import streamlit as st

from app import state
from core.decisions.bands import RiskBand
from core.decisions.policy import Policy
from core.model.bundle import ModelBundle, load_holdout
from core.reading.contract import OUTCOME_COLUMN
from core.scoring.cohort import ScoredCohort
from core.scoring.evaluation import EvaluationData, build_evaluation
from core.scoring.outcomes import OutcomeEvaluation, can_evaluate, evaluate_outcomes, under_policy

COHORT_OBSERVED = "Your cohort, with its observed outcomes"
COHORT_EXPECTED = "Your cohort, expected from the model's probabilities"
TEST_SPLIT = "The model's measured patients (observed outcomes)"  # its test split or cross-validated predictions


def available_sources(cohort: ScoredCohort | None) -> list[str]:
    if cohort is None or cohort.scored.empty:
        return [TEST_SPLIT]
    if cohort.result.has_outcome:
        return [COHORT_OBSERVED, COHORT_EXPECTED, TEST_SPLIT]
    return [COHORT_EXPECTED, TEST_SPLIT]


@st.cache_resource(show_spinner=False, max_entries=4)
def _test_split(model_sha256: str, plan: str, bands: tuple[RiskBand, ...], _bundle: ModelBundle) -> EvaluationData:
    path = _bundle.predictions_path
    if path is None:
        raise FileNotFoundError(f"model {_bundle.version} ships no held-out predictions")
    return build_evaluation(TEST_SPLIT, load_holdout(path, _bundle.contract), True, _pricing(plan, bands))


def _pricing(plan: str, bands: tuple[RiskBand, ...]) -> Policy:
    """What the curves need of the policy: the plan and the band prices (threshold and costs are read per step)."""
    return Policy(0.0, None, state.costs(), bands, plan)


def evaluation_data(source: str, cohort: ScoredCohort | None) -> EvaluationData:
    """Curves for the chosen source; cohort ones are kept per session and rebuilt only for a new file or plan."""
    bundle = state.get_bundle()
    plan, bands = state.plan(), state.bands()
    if source == TEST_SPLIT or cohort is None:
        return _test_split(bundle.sha256, plan, bands, bundle)
    key = (source, cohort.sha256, tuple(sorted(cohort.result.mapping.items())), plan, bands)
    cached = state.evaluation_cache()
    if cached is not None and cached[0] == key:
        return cached[1]
    frame = cohort.scored
    if source == COHORT_OBSERVED:
        frame = frame[frame[OUTCOME_COLUMN].notna()]
    data = build_evaluation(source, frame, source == COHORT_OBSERVED, _pricing(plan, bands), with_metrics=True)
    state.set_evaluation_cache(key, data)
    return data


@st.cache_resource(show_spinner="Drawing the curves on your outcomes (resampling whole patients)…", max_entries=4)
def _outcome_evaluation(
    cohort_sha256: str,
    mapping: tuple[tuple[str, str], ...],
    model_sha256: str,
    _cohort: ScoredCohort,
    _bundle: ModelBundle,
) -> OutcomeEvaluation | None:
    return evaluate_outcomes(_cohort, Policy(0.5, None, state.costs(), state.bands()), _bundle)


def outcome_evaluation(cohort: ScoredCohort | None) -> OutcomeEvaluation | None:
    """The labelled cohort's curves (resampled once per file), marked for the policy in force; None without both
    outcomes."""
    if cohort is None or not can_evaluate(cohort):
        return None
    bundle = state.get_bundle()
    mapping = tuple(sorted(cohort.result.mapping.items()))
    found = _outcome_evaluation(cohort.sha256, mapping, bundle.sha256, cohort, bundle)
    return None if found is None else under_policy(found, cohort, state.policy())
