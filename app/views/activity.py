"""The Activity page's "Contacts": the outreach log per week and per site, and the latest contacts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services import store_access
from core.store import outreach_summary

LATEST = 200  # contacts listed, newest first
COUNT_HEADERS = {
    "contacts": "Contacts",
    "patients": "Patients",
    "reached": "Reached",
    "no_answer": "No answer",
    "declined": "Declined",
    "rescheduled": "Rescheduled",
    "reached_rate": "Reached (%)",
}
CONTACT_HEADERS = {
    "contact_date": "Date",
    "patient_id": "Patient",
    "site_id": "Site",
    "action": "Action",
    "contacted_by": "By",
    "outcome": "Outcome",
    "note": "Note",
}
NONE_YET = (
    "No contacts recorded yet. Record them on the Cohort page under *Record contacts*: one patient at a time, "
    "the whole call list at once, or the call list returned with an Outcome column filled in."
)


def _counts(table: pd.DataFrame, first: dict[str, str]) -> pd.DataFrame:
    """A summary table with plain headers and the reached share as a whole percentage."""
    shown = table.assign(reached_rate=(table["reached_rate"].astype(float) * 100).round(0))
    return shown.rename(columns={**first, **COUNT_HEADERS})


def _latest(contacts: pd.DataFrame) -> pd.DataFrame:
    newest = contacts.sort_values(["contact_date", "id"], ascending=False).head(LATEST)
    table = newest[list(CONTACT_HEADERS)].rename(columns=CONTACT_HEADERS)
    table["Site"] = table["Site"].fillna(outreach_summary.UNKNOWN_SITE)
    return table.astype({"Patient": str, "Note": str}).reset_index(drop=True)


def contacts_section() -> None:
    """Contacts per week and per site, and the latest ones; the database's notice when it cannot be read."""
    st.subheader("Contacts")
    contacts = store_access.attempt(
        lambda store: store.outreach.between(), "Contacts cannot be shown: the outreach log could not be read."
    )
    if contacts is None:
        return
    if contacts.empty:
        st.info(NONE_YET, icon=":material/call:")
        return
    st.caption(
        f"{len(contacts):,} contacts with {contacts['patient_id'].nunique():,} patients recorded in all. "
        "Weeks start on Monday."
    )
    # one above the other: side by side, eight columns each were cut on a laptop screen
    st.markdown("**Per week**")
    st.dataframe(
        _counts(outreach_summary.per_week(contacts), {"week": "Week starting"}), hide_index=True, key="contacts_week"
    )
    st.markdown("**Per site**")
    st.dataframe(
        _counts(outreach_summary.per_site(contacts), {"site": "Site", "last_contact": "Last contact"}),
        hide_index=True,
        key="contacts_site",
    )
    st.markdown(f"**Latest contacts** (the {LATEST} most recent)" if len(contacts) > LATEST else "**Latest contacts**")
    st.dataframe(
        _latest(contacts),
        hide_index=True,
        key="contacts_latest",
        column_config={"Note": st.column_config.TextColumn("Note", width="large")},
    )
