"""Small display pieces several pages use."""

from __future__ import annotations

import html

import streamlit as st

from app import navigation, state
from core.decisions.bands import band_by_name
from core.formatting import dollars, percent


def band_badge_html(band_name: str) -> str:
    """A coloured pill with the band's name (text colour chosen for contrast)."""
    band = band_by_name(state.bands(), band_name)
    text = "#000" if band.name in ("Medium",) else "#fff"
    return (
        f"<span style='background:{band.colour};color:{text};padding:0.2em 0.7em;border-radius:1em;"
        f"font-weight:600'>{html.escape(band.name)} risk</span>"
    )


def band_legend() -> None:
    """One line per band: cut point, action and its cost."""
    bands = state.bands()
    lines = [
        f"- {band_badge_html(b.name)} probability "
        f"{'≥ ' + format(b.lower, '.1%') if b.lower > 0 else 'below ' + format(bands[-2].lower, '.1%')}: "
        f"{b.action} (${b.action_cost:,.2f} per patient)"
        for b in bands
    ]
    st.markdown("\n".join(lines), unsafe_allow_html=True)


def example_costs_notice(where: str, link: bool = True) -> None:
    """Say, until the deployment or the user sets them, that the costs in use are example figures."""
    if not state.costs_are_examples():
        return
    costs = state.costs()
    st.info(
        f"**The costs in use are example figures**, the product's defaults: {dollars(costs.intervention_cost)} per "
        f"contact, {dollars(costs.dropout_cost)} per lost patient, contacts assumed {percent(costs.effectiveness)} "
        "effective. They decide who is worth a call, so set your trial's own figures"
        + (" on Thresholds & costs" if link else " below")
        + ", or keep these if they are yours.",
        icon=":material/price_check:",
    )
    first, second, _ = st.columns([1, 1, 2])
    first.button("These are our figures", key=f"{where}_confirm_costs", on_click=state.confirm_costs)
    if link:
        second.page_link(navigation.THRESHOLDS, label="Set our costs", icon=":material/tune:")
