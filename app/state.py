"""Session-state keys and the shared settings every page reads (threshold, costs, capacity).

Settings live under plain keys (not widget keys) so they survive page switches: Streamlit drops
a widget's state when a page that does not draw it runs. Widgets copy into these keys on change.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.config import DEFAULT_COSTS, CostSettings
from core.model import ModelBundle, ModelIntegrityError, load_bundle

log = logging.getLogger(__name__)

THRESHOLD = "settings_threshold"
INTERVENTION_COST = "settings_intervention_cost"
DROPOUT_COST = "settings_dropout_cost"
EFFECTIVENESS = "settings_effectiveness"
CAPACITY = "settings_capacity"  # None = no limit
COHORT = "cohort"  # app.cohort_state.LoadedCohort or absent
PATIENT_PREFILL = "patient_prefill"  # dict of contract fields to open the Patient page with
PATIENT_RESULT = "patient_result"  # the last assessed patient (validated one-row frame)


@st.cache_resource(show_spinner="Loading the model…")
def _cached_bundle() -> ModelBundle:
    return load_bundle()


def get_bundle() -> ModelBundle:
    """The model bundle, loaded once per process; stops the page with a message if it cannot load."""
    try:
        return _cached_bundle()
    except ModelIntegrityError as exc:
        st.error(f"The model could not be loaded safely. {exc}")
    except (OSError, ValueError) as exc:
        log.exception("model bundle failed to load")
        st.error(f"The model files are missing or unreadable ({type(exc).__name__}). Reinstall or retrain the model.")
    st.stop()
    raise AssertionError("unreachable")


def init_settings(bundle: ModelBundle) -> None:
    """Fill in defaults the first time a session runs."""
    defaults = {
        THRESHOLD: bundle.default_threshold,
        INTERVENTION_COST: DEFAULT_COSTS.intervention_cost,
        DROPOUT_COST: DEFAULT_COSTS.dropout_cost,
        EFFECTIVENESS: DEFAULT_COSTS.effectiveness,
        CAPACITY: None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


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
