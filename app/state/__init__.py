"""Everything the app keeps for one browser session, behind typed functions: this package is the only place that
touches ``st.session_state`` (who is signed in lives in ``app.state.access``, re-exported here).

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

import pandas as pd
import streamlit as st

from app.services import url_settings
from core import decision_settings as setting_sources
from core.decisions.bands import RiskBand
from core.decisions.costs import CostSettings
from core.decisions.policy import SINGLE, Policy
from core.model.bundle import ModelBundle, ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.scoring.cohort import ScoredCohort
from core.settings import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)

# Keys of the session's own values (never a widget's).
SETTINGS = "resolved_settings"
THRESHOLD = "settings_threshold"
INTERVENTION_COST = "settings_intervention_cost"
DROPOUT_COST = "settings_dropout_cost"
EFFECTIVENESS = "settings_effectiveness"
CAPACITY = "settings_capacity"  # None = no limit
PLAN = "settings_plan"  # core.decisions.policy.SINGLE or TIERED
COSTS_CONFIRMED = "settings_costs_confirmed"  # the user set or accepted the costs (not the example figures)
COHORT = "cohort"  # core.scoring.cohort.ScoredCohort or absent
COHORT_ERROR = "cohort_load_error"  # why the last file asked for could not be used
LAST_UPLOAD = "cohort_last_upload"  # file id of the uploader's file already loaded (or refused)
DATE_QUESTION = "cohort_date_question"  # (file SHA-256, the question) when a file's dates read both ways
DATE_ORDER = "cohort_date_order"  # (file SHA-256, day first?) the user's answer to that question
HISTORY = (
    "history"  # app.services.history_loading.LoadedHistory: a trial history's files, how to read them, what was read
)
EVALUATION_CACHE = "threshold_data_cache"  # (key, EvaluationData) of the Thresholds page's cohort source
PATIENT_PREFILL = "patient_prefill"  # contract fields to open the Patient page with
PATIENT_RESULT = "patient_result"  # the last assessed patient (validated one-row frame)
PATIENT_AUDIT_PENDING = "patient_audit_pending"  # record the assessment once, when it is shown
FORM_START = "form_start"  # form prefix -> (widget key generation, the values its widgets start from)

# The settings kept in the page's address (session-state key -> address name).
_IN_URL = {
    THRESHOLD: "threshold",
    INTERVENTION_COST: "contact_cost",
    DROPOUT_COST: "dropout_cost",
    EFFECTIVENESS: "effectiveness",
    CAPACITY: "capacity",
    PLAN: "plan",
    COSTS_CONFIRMED: "costs_set",
}

# Widget keys other modules need to name.
ASSESS_BUTTON = "assess"


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
    return Registry(settings().models_dir)


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


def init_session(bundle: ModelBundle, saved: Mapping[str, Any] | None = None) -> setting_sources.Resolution | None:
    """Fill in the decision settings the first time a session runs: from the page's address, else the team's
    ``saved`` settings (by address name, as stored), else defaults. Returns where they came from (None: already set).
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
    from_url = url_settings.read(dict(st.query_params))
    resolved = setting_sources.resolve(
        from_url, saved or {}, {_IN_URL[key]: value for key, value in defaults.items()}, bundle.version
    )
    for key in missing:
        st.session_state[key] = resolved.values[_IN_URL[key]]
    return resolved


def keep_in_url() -> None:
    """Write the settings in force into the page's address, so a refresh of this tab keeps them."""
    wanted = url_settings.write({name: st.session_state.get(key) for key, name in _IN_URL.items()})
    current = dict(st.query_params)
    if any(current.get(k) != v for k, v in wanted.items()) or set(current) - set(wanted):
        st.query_params.from_dict(wanted)


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


# ---------------------------------------------------------------- the loaded cohort


def cohort() -> ScoredCohort | None:
    return st.session_state.get(COHORT)


def set_cohort(value: ScoredCohort) -> None:
    st.session_state[COHORT] = value


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


def history() -> Any:
    """The trial history being scored (app.services.history_loading.LoadedHistory), if the upload was one."""
    return st.session_state.get(HISTORY)


def set_history(value: Any) -> None:
    if value is None:
        st.session_state.pop(HISTORY, None)
    else:
        st.session_state[HISTORY] = value


def evaluation_cache() -> tuple[Any, Any] | None:
    return st.session_state.get(EVALUATION_CACHE)


def set_evaluation_cache(key: Any, data: Any) -> None:
    st.session_state[EVALUATION_CACHE] = (key, data)


# ---------------------------------------------------------------- the Patient page


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


# ---------------------------------------------------------------- model versions and training

MODEL_SEEN = "model_seen"  # the model version this session last ran with
TRAINING = "training_result"  # app.views.train's last finished (or refused, or stopped) training


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


def training() -> Any:
    return st.session_state.get(TRAINING)


def set_training(value: Any) -> None:
    st.session_state[TRAINING] = value


TRAINING_RUNNING = "training_running"  # set while a training runs: still set on the next run if it was stopped


def set_training_running(running: bool) -> None:
    st.session_state[TRAINING_RUNNING] = running


def pop_training_interrupted() -> bool:
    """True once after a training run was interrupted (the user stopped it, or left the page)."""
    return bool(st.session_state.pop(TRAINING_RUNNING, False))


from app.state.access import *  # noqa: E402,F403  (one session-state API: state.signed_in() and the rest)
from app.state.outreach import *  # noqa: E402,F403
from app.state.team_settings import *  # noqa: E402,F403
from app.state.weekly import *  # noqa: E402,F403
from app.state.weekly_views import *  # noqa: E402,F403
