"""The decision settings in the page's address (query parameters), so a refresh keeps them.

A browser refresh starts a new Streamlit session; the address is what survives it. Values read back
are checked like any input, with the same checks as the team's saved settings
(``core.decision_settings``): an unreadable or out-of-range value is ignored, never trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from app import state
from core import decision_settings as setting_sources

# address name -> how it is written in the address
_FORMATS: dict[str, Callable[[Any], str]] = {
    "threshold": lambda v: f"{float(v):.2f}",
    "contact_cost": lambda v: f"{float(v):g}",
    "dropout_cost": lambda v: f"{float(v):g}",
    "effectiveness": lambda v: f"{float(v):g}",
    "capacity": lambda v: "none" if v is None else str(int(v)),
    "plan": str,
    "costs_set": lambda v: "1" if v else "0",
}
NAMES = setting_sources.NAMES
TRIAL = "trial"  # the trial on screen (not a decision setting: the Cohort page reopens its latest week)
TRIAL_LIMIT = 200


def read(params: Mapping[str, str]) -> dict[str, Any]:
    """Values by address name; anything unreadable or out of range is left out."""
    return setting_sources.checked({name: str(value) for name, value in params.items()})[0]


def write(values: Mapping[str, Any]) -> dict[str, str]:
    """Address parameters for values given by address name."""
    return {name: show(values[name]) for name, show in _FORMATS.items() if name in values}


def from_address() -> dict[str, Any]:
    """The settings this page's address carries, checked (by address name)."""
    return read(dict(st.query_params))


def trial_in_address() -> str | None:
    """The trial the page's address names (None: none, or not a readable name)."""
    name = " ".join(str(st.query_params.get(TRIAL, "")).split())
    return name if 0 < len(name) <= TRIAL_LIMIT else None


def keep_in_url() -> None:
    """Write the settings in force (and the trial on screen) into the page's address, so a refresh keeps them.

    Called on every full run and by every settings widget's change, fragments included.
    """
    wanted = write(state.settings_by_name())
    trial = state.open_trial() or trial_in_address()
    if trial:
        wanted[TRIAL] = trial
    current = dict(st.query_params)
    if any(current.get(k) != v for k, v in wanted.items()) or set(current) - set(wanted):
        st.query_params.from_dict(wanted)
