"""The app's pages, defined once: the entry point builds navigation from them, pages link to them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

OVERVIEW = st.Page(
    PAGES_DIR / "overview.py", title="Overview", icon=":material/home:", url_path="overview", default=True
)
PATIENT = st.Page(PAGES_DIR / "patient.py", title="Patient", icon=":material/person:", url_path="patient")
COHORT = st.Page(PAGES_DIR / "cohort.py", title="Cohort", icon=":material/groups:", url_path="cohort")
THRESHOLDS = st.Page(
    PAGES_DIR / "thresholds.py", title="Thresholds & costs", icon=":material/tune:", url_path="thresholds"
)
ACTIVITY = st.Page(PAGES_DIR / "activity.py", title="Activity", icon=":material/history:", url_path="activity")
MODEL = st.Page(PAGES_DIR / "model_card.py", title="Model", icon=":material/insights:", url_path="model")
TRAIN = st.Page(PAGES_DIR / "train.py", title="Train", icon=":material/model_training:", url_path="train")

PAGES = [OVERVIEW, COHORT, PATIENT, THRESHOLDS, MODEL, TRAIN, ACTIVITY]
