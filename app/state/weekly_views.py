"""Session state of the weekly views (app.views.weekly): stored weeks read once per session, not on every rerun.

A slider move reruns the Cohort page; last week's 100,000 stored scores are read from the database only
when the weeks on screen change. Only the weeks the page shows are kept.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.store import Upload

__all__ = ["earlier_uploads", "kept_scores", "keep_scores", "set_earlier_uploads"]

EARLIER = "weekly_earlier_uploads"  # (this week's upload id, [core.store.Upload oldest first]) for the trend
SCORES = "weekly_stored_scores"  # {upload id: its stored scores} of the weeks on screen


def earlier_uploads(upload_id: int) -> list[Upload] | None:
    """The stored uploads before this one (oldest first) this session already looked up, else None."""
    kept = st.session_state.get(EARLIER)
    return kept[1] if kept is not None and kept[0] == upload_id else None


def set_earlier_uploads(upload_id: int, uploads: list[Upload]) -> None:
    st.session_state[EARLIER] = (upload_id, list(uploads))


def kept_scores(upload_id: int) -> pd.DataFrame | None:
    """An upload's stored scores if this session read them already."""
    return st.session_state.get(SCORES, {}).get(upload_id)


def keep_scores(frames: dict[int, pd.DataFrame]) -> None:
    """Keep these uploads' scores (and forget any other: only the weeks on screen matter)."""
    st.session_state[SCORES] = dict(frames)
