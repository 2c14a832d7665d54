"""Session state of the outreach log on the Cohort page (app.views.outreach).

A returned call list is read once per file and date order, not at every click; once its contacts are
recorded, the uploader starts empty again (a new key) and the result is said once.
"""

from __future__ import annotations

import streamlit as st

from core.outreach.contacts_file import ContactsFile

__all__ = [
    "contacts_file",
    "outreach_upload_key",
    "pop_outreach_notice",
    "set_contacts_file",
    "set_outreach_notice",
    "start_outreach_upload_again",
]

FILE = (
    "outreach_contacts_file"  # (file SHA-256, day first?, patients' digest) -> core.outreach.contacts_file.ContactsFile
)
GENERATION = "outreach_upload_generation"  # bumped to empty the returned-call-list uploader
NOTICE = "outreach_notice"  # what was recorded, said once on the next run


def contacts_file(key: tuple[str, bool | None, str]) -> ContactsFile | None:
    """The returned call list read for this key, if this session read it already."""
    kept = st.session_state.get(FILE)
    return kept[1] if kept is not None and kept[0] == key else None


def set_contacts_file(key: tuple[str, bool | None, str], result: ContactsFile) -> None:
    st.session_state[FILE] = (key, result)  # only the file on screen matters


def outreach_upload_key() -> str:
    """The uploader's widget key: a new one empties it."""
    return f"outreach_upload_{st.session_state.get(GENERATION, 0)}"


def start_outreach_upload_again() -> None:
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    st.session_state.pop(FILE, None)


def set_outreach_notice(text: str) -> None:
    st.session_state[NOTICE] = text


def pop_outreach_notice() -> str | None:
    return st.session_state.pop(NOTICE, None)
