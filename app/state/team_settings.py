"""Session state of the team's saved settings (app.views.team_settings) and of the measured effect of outreach.

The saved settings are read once per session (a database query on every click would slow every page);
the effect estimate is kept per latest upload and contact count, so moving a slider never works it out again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.records import TeamRecord
from app.state.keys import COSTS_CONFIRMED, IN_URL
from core.decision_settings import Resolution
from core.outreach.effectiveness import EffectEstimate
from core.outreach.holdout_effect import RandomisedEstimate

__all__ = [
    "FAIR_TEST_ON",
    "FAIR_TEST_PERCENT",
    "TEAM_UNAVAILABLE",
    "fair_test_choice",
    "randomised_estimate",
    "set_randomised_estimate",
    "apply_settings_by_name",
    "effect_estimate",
    "forget_widgets",
    "set_effect_estimate",
    "set_team_resolution",
    "set_team_saved",
    "settings_by_name",
    "team_resolution",
    "team_saved",
]

TEAM_SAVED = "team_settings_saved"  # app.records.TeamRecord, or TEAM_UNAVAILABLE
TEAM_RESOLUTION = "team_settings_resolution"  # core.decision_settings.Resolution of this session's start
EFFECT_ESTIMATE = "effect_estimate"  # (latest upload id, contacts count, …) -> EffectEstimate
RANDOMISED_ESTIMATE = "randomised_estimate"  # the same key -> the fair test's RandomisedEstimate
TEAM_UNAVAILABLE = "unavailable"  # the database could not be read when the session started

_BY_NAME = {name: key for key, name in IN_URL.items()}
FAIR_TEST_ON = "fair_test_on"  # the manager's switch for the random hold-out (app.views.team_settings)
FAIR_TEST_PERCENT = "fair_test_percent"  # the share held out, in whole percent


def fair_test_choice() -> tuple[bool, int]:
    """What the manager's fair-test controls hold now: switched on, and the share held out in percent."""
    return bool(st.session_state.get(FAIR_TEST_ON)), int(st.session_state.get(FAIR_TEST_PERCENT) or 0)


def team_saved() -> TeamRecord | str | None:
    """What this session read of the team's saved settings; None before it tried."""
    return st.session_state.get(TEAM_SAVED)


def set_team_saved(value: TeamRecord | str) -> None:
    st.session_state[TEAM_SAVED] = value


def team_resolution() -> Resolution | None:
    """Where the settings this session started with came from (core.decision_settings.Resolution)."""
    return st.session_state.get(TEAM_RESOLUTION)


def set_team_resolution(value: Resolution) -> None:
    st.session_state[TEAM_RESOLUTION] = value


def settings_by_name() -> dict[str, Any]:
    """The decision settings in force by their address names (threshold, contact_cost, …)."""
    return {name: st.session_state.get(key) for key, name in IN_URL.items()}


def apply_settings_by_name(values: dict[str, Any]) -> None:
    """Put these settings (by address name, already checked) in force; costs set by the team are not examples."""
    for name, value in values.items():
        if name in _BY_NAME and name != "costs_set":
            st.session_state[_BY_NAME[name]] = value
    if values.get("costs_set"):
        st.session_state[COSTS_CONFIRMED] = True


def effect_estimate(key: tuple[object, ...]) -> EffectEstimate | None:
    """The measured effect kept for this key (None: not worked out for it yet)."""
    kept = st.session_state.get(EFFECT_ESTIMATE)
    return kept[1] if kept and kept[0] == key else None


def set_effect_estimate(key: tuple[object, ...], estimate: EffectEstimate) -> None:
    st.session_state[EFFECT_ESTIMATE] = (key, estimate)


def forget_widgets(*keys: str) -> None:
    """Drop these widgets' state, so they are drawn afresh from the settings in force."""
    for key in keys:
        st.session_state.pop(key, None)


def randomised_estimate(key: tuple[object, ...]) -> RandomisedEstimate | None:
    """The fair test's estimate kept for this key (None: not worked out for it yet)."""
    kept = st.session_state.get(RANDOMISED_ESTIMATE)
    return kept[1] if kept and kept[0] == key else None


def set_randomised_estimate(key: tuple[object, ...], estimate: RandomisedEstimate) -> None:
    st.session_state[RANDOMISED_ESTIMATE] = (key, estimate)
