"""Controls for the shared settings, reusable on any page; they write to app.state's keys.

Each widget has its own key per page; before it is drawn it is set to the value in force, and
its on_change copies the new value back, so every page sees the same settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app import state
from app.services import url_settings
from core.decisions.costs import capacity_from_budget
from core.decisions.policy import SINGLE, TIERED
from core.formatting import dollars

CAPACITY_MODES = ("No limit", "At most a number of patients", "Within a budget")


COST_KEYS = (state.INTERVENTION_COST, state.DROPOUT_COST, state.EFFECTIVENESS)


def _sync(widget_key: str, setting_key: str, to_setting: Callable[[Any], Any] = lambda v: v) -> None:
    state.set_setting_value(setting_key, to_setting(state.widget_value(widget_key)))
    if setting_key in COST_KEYS:
        state.confirm_costs()  # the user set a cost: the figures are theirs now
    if setting_key == state.THRESHOLD:
        state.set_threshold_chosen()  # theirs now: a new cohort keeps it
    url_settings.keep_in_url()  # at once, also from a fragment's rerun: a refresh keeps the change


def _bind(
    where: str,
    setting_key: str,
    to_widget: Callable[[Any], Any] = lambda v: v,
    to_setting: Callable[[Any], Any] = lambda v: v,
) -> dict[str, Any]:
    widget_key = f"{where}_{setting_key}"
    state.set_widget_value(widget_key, to_widget(state.setting_value(setting_key)))
    return {"key": widget_key, "on_change": _sync, "args": (widget_key, setting_key, to_setting)}


def threshold_slider(where: str, help_text: str | None = None) -> float:
    """The "Decision threshold" slider (0.01 steps); ``where`` makes its widget key unique per page."""
    st.slider(
        "Decision threshold",
        min_value=0.0,
        max_value=1.0,
        step=0.01,
        **_bind(where, state.THRESHOLD),
        help=help_text or "Patients whose chance of dropping out is at or above this value are flagged.",
    )
    return state.threshold()


def cost_inputs(where: str) -> None:
    """Cost per intervention, cost per dropout and intervention effectiveness."""
    a, b, c = st.columns(3)
    a.number_input(
        "Cost per contact ($)",
        min_value=0.0,
        max_value=1e6,
        step=50.0,
        **_bind(where, state.INTERVENTION_COST),
        help="What one retention contact costs the program (staff time, travel, vouchers).",
    )
    b.number_input(
        "Cost per dropout ($)",
        min_value=0.0,
        max_value=1e7,
        step=500.0,
        **_bind(where, state.DROPOUT_COST),
        help="What losing one patient costs: recruiting and enrolling a replacement, lost data.",
    )
    c.slider(
        "Contact effectiveness (%)",
        min_value=0,
        max_value=100,
        step=5,
        **_bind(where, state.EFFECTIVENESS, lambda v: int(round(v * 100)), lambda v: v / 100),
        help="Of the patients who would drop out, the share that an intervention keeps in the trial. "
        "An assumption: 100% means every contacted would-be dropout stays.",
    )


def _capacity_keys(where: str) -> tuple[str, str, str]:
    return f"{where}_capacity_mode", f"{where}_capacity_amount", f"{where}_capacity_budget"


def capacity_in_force(where: str) -> int | None:
    """The capacity the page's widgets ask for (their state is set before the run), else the one in force."""
    mode_key, amount_key, budget_key = _capacity_keys(where)
    mode = state.widget_value(mode_key)
    if mode is None:
        return state.capacity()
    if mode == CAPACITY_MODES[0]:
        return None
    if mode == CAPACITY_MODES[1]:
        return int(state.widget_value(amount_key, state.capacity() or 50))
    return capacity_from_budget(float(state.widget_value(budget_key, 25_000.0)), state.costs())


def capacity_input(where: str) -> None:
    """Draw the optional cap (a number of patients or a dollar budget).

    The caller puts ``capacity_in_force(where)`` into the settings before drawing, so the page's
    results can be computed and sent ahead of these widgets.
    """
    mode_key, amount_key, budget_key = _capacity_keys(where)
    mode = st.radio(
        "Staff capacity",
        CAPACITY_MODES,
        key=mode_key,
        horizontal=True,
        index=0 if state.capacity() is None else 1,
        help="When the team cannot contact everyone flagged, only the highest-risk patients are kept.",
    )
    if mode == CAPACITY_MODES[1]:
        st.number_input(
            "We can contact at most (patients)",
            min_value=0,
            step=10,
            key=amount_key,
            value=state.capacity() if state.capacity() is not None else 50,
        )
    elif mode == CAPACITY_MODES[2]:
        st.number_input("Budget for interventions ($)", min_value=0.0, step=1000.0, key=budget_key, value=25_000.0)
    if mode == CAPACITY_MODES[2]:
        st.caption(f"At {dollars(state.costs().intervention_cost)} per contact that is {state.capacity():,} patients.")


PLAN_LABELS = {
    SINGLE: "One retention contact per flagged patient, at the cost per contact",
    TIERED: "Each flagged patient gets their risk band's action, at that band's price",
}


def plan_input(where: str) -> str:
    """How flagged patients are contacted (and priced): one of the two plans, never a mix."""
    st.radio(
        "How flagged patients are contacted",
        list(PLAN_LABELS),
        format_func=PLAN_LABELS.get,
        **_bind(where, state.PLAN),
        help="The plan decides the contact and its price on every page, in the cost table and in every export.",
    )
    return state.plan()
