"""Overview: what the tool does, the loaded cohort at a glance, and where to go next."""

from __future__ import annotations

import streamlit as st

from app import navigation, state
from app.access.identity import allowed
from app.text import plain
from app.views.components import example_costs_notice
from core.formatting import count
from core.scoring.cohort import summarise
from core.trust.roles import MANAGE_USERS

st.title("Trial Retention Radar")
st.markdown(
    "This tool estimates, for each enrolled patient, the chance of withdrawing from the trial before completing it. "
    "It explains each estimate in plain words, so you can see what to act on. "
    "It helps you decide whom to contact first, weighing the cost of outreach against the cost of losing a patient."
)

example_costs_notice("overview")
cohort = state.cohort()
if cohort is not None:
    summary = summarise(cohort.curves, state.policy())
    st.subheader(f"Loaded cohort: {plain(cohort.filename)}")
    a, b, c = st.columns(3)
    a.metric("Patients scored", count(summary.patients))
    b.metric(
        "Expected dropouts",
        count(summary.expected_dropouts),
        help="The sum of every patient's estimated chance of dropping out.",
    )
    c.metric(
        f"Flagged at {state.threshold():.1%}",
        count(summary.flagged),
        help="Patients at or above the decision threshold"
        + (" (capped by staff capacity)" if summary.capacity_binds else ""),
    )
    st.caption(f"{state.policy().break_even_in_words()} Set your own costs and staff capacity on Thresholds & costs.")
else:
    st.info("No cohort is loaded yet. Upload your patient list on the Cohort page, or open the demo cohort there.")

st.subheader("Where to go")
st.page_link(navigation.COHORT, label="Upload this week's patient list and get the call list", icon=":material/groups:")
st.page_link(navigation.PATIENT, label="Assess one patient, with reasons and what-if", icon=":material/person:")
st.page_link(
    navigation.THRESHOLDS,
    label="Choose the threshold with the costs in view, within your staff capacity",
    icon=":material/tune:",
)
st.page_link(
    navigation.MODEL, label="How good is the model? Held-out results and what drives it", icon=":material/insights:"
)
st.page_link(
    navigation.TRAIN,
    label="Train a model on your own trial's history, compare it honestly, choose the version in use",
    icon=":material/model_training:",
)
st.page_link(
    navigation.ACTIVITY,
    label="Contacts recorded, and what was scored and exported, and when",
    icon=":material/history:",
)
if allowed(MANAGE_USERS):
    st.page_link(navigation.USERS, label="Who may sign in, and what each may do", icon=":material/manage_accounts:")
st.caption("All processing happens on this computer; no patient data is sent anywhere.")
