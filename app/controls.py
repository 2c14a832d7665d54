"""Controls for the shared settings, reusable on any page; they write to app.state's keys."""

from __future__ import annotations

import streamlit as st

from app import state


def _sync(widget_key: str, setting_key: str) -> None:
    st.session_state[setting_key] = st.session_state[widget_key]


def threshold_slider(where: str, help_text: str | None = None) -> float:
    """The "Decision threshold" slider (0.01 steps); ``where`` makes its widget key unique per page."""
    widget_key = f"{where}_threshold_slider"
    st.session_state[widget_key] = state.threshold()  # show the value in force, set on any page
    st.slider(
        "Decision threshold", min_value=0.0, max_value=1.0, step=0.01, key=widget_key,
        on_change=_sync, args=(widget_key, state.THRESHOLD),
        help=help_text or "Patients whose chance of dropping out is at or above this value are flagged.",
    )
    return state.threshold()
