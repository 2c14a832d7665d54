"""The app's pages, defined once: the entry point builds navigation from them, pages link to them.

The Users page is listed only for those who may manage users; for everyone else it is registered hidden,
so its address still opens it and the page itself says why it is refused.
"""

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

_USERS_FILE = PAGES_DIR / "users.py"
USERS = st.Page(_USERS_FILE, title="Users", icon=":material/manage_accounts:", url_path="users")
USERS_HIDDEN = st.Page(_USERS_FILE, title="Users", url_path="users", visibility="hidden")

PAGES = [OVERVIEW, COHORT, PATIENT, THRESHOLDS, MODEL, TRAIN, ACTIVITY]


def pages_for(manages_users: bool) -> list[st.Page]:
    """The pages in the navigation for someone who may (or may not) manage users."""
    return [*PAGES, USERS if manages_users else USERS_HIDDEN]
