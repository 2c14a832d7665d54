"""Everything the app keeps for one browser session, behind typed functions: this package is the only place that
touches ``st.session_state``. The deployment's settings, the model and the decision settings live here; the rest
lives in submodules by area (``access``, ``cohort``, ``patient``, ``training``, ``outreach``, ``team_settings``,
``weekly``, ``weekly_views``), re-exported here by name, and every key in ``app.state.keys``.

The shared settings (threshold, costs, capacity) live under plain keys, not widget keys, so they
survive page switches: Streamlit drops a widget's state when a page that does not draw it runs.
Widgets copy into these keys on change (``app.views.controls``). Widget values themselves are read
and written through ``widget_value`` and ``set_widget_value``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from app.state.access import GATE_FAILURES as GATE_FAILURES
from app.state.access import GATE_JUST_FAILED as GATE_JUST_FAILED
from app.state.access import NAME_FIELD as NAME_FIELD
from app.state.access import NOTICE as NOTICE
from app.state.access import PASSWORD_FIELD as PASSWORD_FIELD
from app.state.access import PERSON as PERSON
from app.state.access import SIGNED_IN as SIGNED_IN
from app.state.access import client_address as client_address
from app.state.access import current_person as current_person
from app.state.access import person as person
from app.state.access import pop_just_failed as pop_just_failed
from app.state.access import pop_notice as pop_notice
from app.state.access import record_sign_in_failure as record_sign_in_failure
from app.state.access import set_notice as set_notice
from app.state.access import set_person as set_person
from app.state.access import set_signed_in as set_signed_in
from app.state.access import sign_in_failures as sign_in_failures
from app.state.access import sign_out as sign_out
from app.state.access import signed_in as signed_in
from app.state.access import take_secret as take_secret
from app.state.cohort import clear_cohort as clear_cohort
from app.state.cohort import cohort as cohort
from app.state.cohort import cohort_error as cohort_error
from app.state.cohort import date_order as date_order
from app.state.cohort import date_question as date_question
from app.state.cohort import evaluation_cache as evaluation_cache
from app.state.cohort import history as history
from app.state.cohort import history_columns as history_columns
from app.state.cohort import last_upload as last_upload
from app.state.cohort import open_trial as open_trial
from app.state.cohort import reopen_tried as reopen_tried
from app.state.cohort import reopened as reopened
from app.state.cohort import set_cohort as set_cohort
from app.state.cohort import set_cohort_error as set_cohort_error
from app.state.cohort import set_date_order as set_date_order
from app.state.cohort import set_date_question as set_date_question
from app.state.cohort import set_evaluation_cache as set_evaluation_cache
from app.state.cohort import set_history as set_history
from app.state.cohort import set_history_columns as set_history_columns
from app.state.cohort import set_last_upload as set_last_upload
from app.state.cohort import set_open_trial as set_open_trial
from app.state.cohort import set_reopen_tried as set_reopen_tried
from app.state.cohort import set_reopened as set_reopened
from app.state.cohort import set_threshold_chosen as set_threshold_chosen
from app.state.cohort import set_threshold_start as set_threshold_start
from app.state.cohort import set_trial_request as set_trial_request
from app.state.cohort import threshold_chosen as threshold_chosen
from app.state.cohort import threshold_start as threshold_start
from app.state.cohort import trial_name as trial_name
from app.state.cohort import trial_request as trial_request
from app.state.keys import ASSESS_BUTTON as ASSESS_BUTTON
from app.state.keys import CAPACITY as CAPACITY
from app.state.keys import COHORT as COHORT
from app.state.keys import COHORT_ERROR as COHORT_ERROR
from app.state.keys import COSTS_CONFIRMED as COSTS_CONFIRMED
from app.state.keys import DATE_ORDER as DATE_ORDER
from app.state.keys import DATE_QUESTION as DATE_QUESTION
from app.state.keys import DROPOUT_COST as DROPOUT_COST
from app.state.keys import EFFECTIVENESS as EFFECTIVENESS
from app.state.keys import EVALUATION_CACHE as EVALUATION_CACHE
from app.state.keys import FORM_START as FORM_START
from app.state.keys import HISTORY as HISTORY
from app.state.keys import HISTORY_COLUMNS as HISTORY_COLUMNS
from app.state.keys import IN_URL as IN_URL
from app.state.keys import INTERVENTION_COST as INTERVENTION_COST
from app.state.keys import LAST_UPLOAD as LAST_UPLOAD
from app.state.keys import MODEL_SEEN as MODEL_SEEN
from app.state.keys import PATIENT_AUDIT_PENDING as PATIENT_AUDIT_PENDING
from app.state.keys import PATIENT_PREFILL as PATIENT_PREFILL
from app.state.keys import PATIENT_RESULT as PATIENT_RESULT
from app.state.keys import PLAN as PLAN
from app.state.keys import SETTINGS as SETTINGS
from app.state.keys import THRESHOLD as THRESHOLD
from app.state.keys import TRAINING as TRAINING
from app.state.keys import TRAINING_RUNNING as TRAINING_RUNNING
from app.state.keys import TRIAL_NAME as TRIAL_NAME
from app.state.outreach import contacts_file as contacts_file
from app.state.outreach import outreach_upload_key as outreach_upload_key
from app.state.outreach import pop_outreach_notice as pop_outreach_notice
from app.state.outreach import set_contacts_file as set_contacts_file
from app.state.outreach import set_outreach_notice as set_outreach_notice
from app.state.outreach import start_outreach_upload_again as start_outreach_upload_again
from app.state.patient import assess_clicked as assess_clicked
from app.state.patient import form_start as form_start
from app.state.patient import patient_result as patient_result
from app.state.patient import pop_patient_audit_pending as pop_patient_audit_pending
from app.state.patient import pop_patient_prefill as pop_patient_prefill
from app.state.patient import set_form_start as set_form_start
from app.state.patient import set_patient_prefill as set_patient_prefill
from app.state.patient import set_patient_result as set_patient_result
from app.state.team_settings import FAIR_TEST_ON as FAIR_TEST_ON
from app.state.team_settings import FAIR_TEST_PERCENT as FAIR_TEST_PERCENT
from app.state.team_settings import TEAM_UNAVAILABLE as TEAM_UNAVAILABLE
from app.state.team_settings import apply_settings_by_name as apply_settings_by_name
from app.state.team_settings import effect_estimate as effect_estimate
from app.state.team_settings import fair_test_choice as fair_test_choice
from app.state.team_settings import forget_widgets as forget_widgets
from app.state.team_settings import randomised_estimate as randomised_estimate
from app.state.team_settings import set_effect_estimate as set_effect_estimate
from app.state.team_settings import set_randomised_estimate as set_randomised_estimate
from app.state.team_settings import set_team_resolution as set_team_resolution
from app.state.team_settings import set_team_saved as set_team_saved
from app.state.team_settings import settings_by_name as settings_by_name
from app.state.team_settings import team_resolution as team_resolution
from app.state.team_settings import team_saved as team_saved
from app.state.training import model_changed as model_changed
from app.state.training import overtaking as overtaking
from app.state.training import pop_training_interrupted as pop_training_interrupted
from app.state.training import replay as replay
from app.state.training import set_overtaking as set_overtaking
from app.state.training import set_replay as set_replay
from app.state.training import set_training as set_training
from app.state.training import set_training_running as set_training_running
from app.state.training import training as training
from app.state.weekly import remembered_week as remembered_week
from app.state.weekly import set_remembered_week as set_remembered_week
from app.state.weekly_views import earlier_uploads as earlier_uploads
from app.state.weekly_views import keep_scores as keep_scores
from app.state.weekly_views import kept_scores as kept_scores
from app.state.weekly_views import set_earlier_uploads as set_earlier_uploads
from core import decision_settings as setting_sources
from core.decisions.bands import RiskBand
from core.decisions.costs import CostSettings
from core.decisions.policy import SINGLE, Policy
from core.model.bundle import ModelBundle, ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.settings import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- settings and model


def settings() -> Settings:
    """The deployment's settings, resolved once per session; stops the page with the reason if one is invalid."""
    if SETTINGS not in st.session_state:
        try:
            st.session_state[SETTINGS] = load_settings()
        except SettingsError as exc:
            st.error(
                f"This installation's settings are not valid, so the app cannot start: {exc}. Tell your administrator."
            )
            st.stop()
    return st.session_state[SETTINGS]


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _cached_bundle(models_dir: str, version: str, pinned_sha256: str | None) -> ModelBundle:
    return Registry(Path(models_dir)).load(version, pinned_sha256)


def registry() -> Registry:
    return Registry(settings().models_dir, settings().model_sha256)


def get_bundle() -> ModelBundle:
    """The model version in use, loaded once per process and version; stops the page with a message if it cannot."""
    try:
        return _cached_bundle(str(settings().models_dir), registry().in_use(), settings().model_sha256)
    except ModelIntegrityError as exc:
        st.error(f"The model could not be loaded safely. {exc}")
    except (OSError, ValueError, RegistryError) as exc:
        log.exception("model bundle failed to load")
        st.error(f"The model files are missing or unreadable ({type(exc).__name__}). Reinstall or retrain the model.")
    st.stop()
    raise AssertionError("unreachable")


def init_session(
    bundle: ModelBundle, from_url: Mapping[str, Any], saved: Mapping[str, Any] | None = None
) -> setting_sources.Resolution | None:
    """Fill in the decision settings the first time a session runs: from the page's address (``from_url``: checked
    values by address name, app.services.url_settings), else the team's ``saved`` settings (by address name, as
    stored), else defaults. Returns where they came from (None: already set).
    """
    costs = settings().costs
    defaults = {
        THRESHOLD: bundle.default_threshold,
        INTERVENTION_COST: costs.intervention_cost,
        DROPOUT_COST: costs.dropout_cost,
        EFFECTIVENESS: costs.effectiveness,
        CAPACITY: None,
        PLAN: SINGLE,
        COSTS_CONFIRMED: False,
    }
    missing = [key for key in defaults if key not in st.session_state]
    if not missing:
        return None
    resolved = setting_sources.resolve(
        from_url, saved or {}, {IN_URL[key]: value for key, value in defaults.items()}, bundle.version
    )
    for key in missing:
        st.session_state[key] = resolved.values[IN_URL[key]]
    return resolved


def costs_are_examples() -> bool:
    """True while the costs in use are the product's example figures: not set by the deployment or the user."""
    deployment = {s.name for s in settings().overridden}
    return not (
        st.session_state.get(COSTS_CONFIRMED) or deployment & {"intervention_cost", "dropout_cost", "effectiveness"}
    )


def confirm_costs() -> None:
    st.session_state[COSTS_CONFIRMED] = True


def bands() -> tuple[RiskBand, ...]:
    return settings().bands


def threshold() -> float:
    """The decision threshold in force (probability 0-1)."""
    return float(st.session_state[THRESHOLD])


def costs() -> CostSettings:
    """The cost settings in force (dollars, effectiveness 0-1)."""
    return CostSettings(
        intervention_cost=float(st.session_state[INTERVENTION_COST]),
        dropout_cost=float(st.session_state[DROPOUT_COST]),
        effectiveness=float(st.session_state[EFFECTIVENESS]),
    )


def capacity() -> int | None:
    """At most this many patients can be contacted (None = no limit)."""
    value = st.session_state.get(CAPACITY)
    return None if value is None else int(value)


def set_capacity(value: int | None) -> None:
    st.session_state[CAPACITY] = value


def plan() -> str:
    """How flagged patients are contacted: one contact at C_i, or their band's action (core.decisions.policy)."""
    return str(st.session_state.get(PLAN, SINGLE))


def policy() -> Policy:
    """The decision settings in force: threshold, capacity, costs, bands and plan."""
    return Policy(threshold(), capacity(), costs(), bands(), plan())


def setting_value(key: str) -> Any:
    """One of the shared settings by its key (THRESHOLD, INTERVENTION_COST, …)."""
    return st.session_state[key]


def set_setting_value(key: str, value: Any) -> None:
    st.session_state[key] = value


# ---------------------------------------------------------------- widgets


def widget_value(key: str, default: Any = None) -> Any:
    """What a widget holds for this run (the browser sets it before the run starts), else ``default``."""
    return st.session_state.get(key, default)


def set_widget_value(key: str, value: Any) -> None:
    """Set a widget's value (before the widget is drawn in this run)."""
    st.session_state[key] = value
