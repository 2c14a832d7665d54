"""Small display pieces several pages use."""

from __future__ import annotations

import html

import streamlit as st

from app import state
from core.decisions.bands import band_by_name


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
        f"{'≥ ' + format(b.lower, '.0%') if b.lower > 0 else 'below ' + format(bands[-2].lower, '.0%')}: "
        f"{b.action} (${b.action_cost:,.2f} per patient)"
        for b in bands
    ]
    st.markdown("\n".join(lines), unsafe_allow_html=True)


def percent(p: float) -> str:
    return f"{p:.0%}" if p >= 0.01 else f"{p:.1%}"
