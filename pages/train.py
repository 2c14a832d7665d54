"""Train: learn from your own trial's history, compare honestly, choose the version in use."""

from __future__ import annotations

import streamlit as st

from app import state
from app.views import overtaking as overtaking_views
from app.views import replay as replay_views
from app.views import train as train_views
from app.views import train_outcome
from app.views import versions as version_views

st.title("Train a model on your trial")
st.markdown(
    "The bundled model learned from **synthetic** patients; on a real trial it may rank patients little better than "
    "chance. Here it learns from **your trial's own history**: its patients as they stood every 28 days (the "
    "*landmark days*), and whether each later dropped out (you choose which endings count) or completed.\n\n"
    "- Whole sites are held out in turn (cross-validation), so every figure is for patients the model did not learn "
    "from; all of a patient's days stay on one side.\n"
    "- Three kinds of model are tried, each with settings chosen inside the cross-validation, never on the figures "
    "shown: LightGBM and a logistic regression on the landmark days, and a *time-to-dropout* model, which learns "
    "each patient's chance of leaving in the coming week from every week since day 1, and so also gives the chance of "
    "leaving within 4, 8 or 12 weeks.\n"
    "- All are compared with a simple baseline (six facts any trial records) and with the model in use, on the "
    "same patients.\n"
    "- Nothing changes until you choose a version below. Training takes about a minute for a few hundred patients."
)

st.subheader("1. The trial history")
picked = train_views.chosen_files()
history = None
if picked is not None:
    label, files = picked
    history = train_views.read_history(label, files)
    if history is not None:
        st.subheader("2. What counts as dropout")
        definition = train_outcome.outcome_choice(history)
        st.subheader("3. Train")
        train_views.train_section(history, label, files, definition)

outcome = state.training()
if outcome is not None:
    train_views.results_section(outcome)
    if picked is not None and history is not None and not outcome.refused:  # the trial just trained on
        replay_views.replay_section(history, label, definition)
        overtaking_views.overtaking_section(history, label, definition)

st.subheader("Model versions on this installation")
version_views.section()
