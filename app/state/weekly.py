"""Session state of the weekly memory: which stored upload this session's cohort is (app.services.weekly).

Kept per cohort digest and model, so a page switch or a slider move never stores the same week twice.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app.records import Week

__all__ = ["remembered_week", "set_remembered_week"]

REMEMBERED = "weekly_remembered"  # (cohort, model SHA-256, as-of day, trial, fair-test share) -> app.records.Week


def remembered_week(key: tuple[str, str, date | None, str, float | None]) -> Week | None:
    """The stored week of this cohort and model, if this session stored or found it."""
    return st.session_state.get(REMEMBERED, {}).get(key)


def set_remembered_week(key: tuple[str, str, date | None, str, float | None], week: Week) -> None:
    st.session_state[REMEMBERED] = {key: week}  # only the cohort on screen matters
