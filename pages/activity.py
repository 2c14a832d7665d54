"""Activity: the contacts recorded (outreach log), and what was scored, when, with which model and settings."""

from __future__ import annotations

import streamlit as st

from app.services import audit_trail
from app.views import activity as activity_views
from core.trust.audit import LOG_NAME, activity_by_day, activity_summary, read_events

st.title("Activity")
activity_views.contacts_section()

st.subheader("The audit trail")
st.markdown(
    "Every assessment, cohort scoring and export is written to the audit trail with the time, the model "
    "and the settings used. Patients appear there only as coded identifiers (salted hashes), never by name or ID."
)
path = audit_trail.log_directory() / LOG_NAME
events, skipped = read_events(path)
if skipped:
    st.warning(f"{skipped:,} lines of the audit log could not be read and are left out of these figures.")
if events.empty:
    st.info("Nothing has been recorded yet. Assess a patient or score a cohort, and it will show here.")
    st.stop()

summary = activity_summary(events)
a, b, c, d = st.columns(4)  # four fit a 1280-pixel screen; the time goes below, where it is never cut
a.metric("Events", f"{summary['events']:,}")
b.metric(
    "Patients scored",
    f"{summary['patients_scored']:,}",
    help="Counted once per scoring: a patient in two weekly files counts twice.",
)
c.metric("Flagged rate", "–" if summary["patients_scored"] == 0 else f"{summary['flagged_rate']:.1%}")
d.metric(
    "Mean chance of dropping out", "–" if summary["patients_scored"] == 0 else f"{summary['mean_probability']:.1%}"
)
st.caption(f"Last activity: {summary['last_activity'].strftime('%Y-%m-%d %H:%M')} (UTC)")

st.subheader("By day")
st.dataframe(activity_by_day(events), hide_index=True, key="activity_by_day")
st.subheader("Latest events")
latest = events.sort_values("time", ascending=False).head(200).drop(columns=["patients"], errors="ignore")
st.dataframe(latest, hide_index=True, key="activity_latest")
st.download_button(
    "Download the audit log (JSON lines)",
    data=lambda: path.read_bytes(),
    file_name=LOG_NAME,
    mime="application/jsonl",
    on_click="ignore",
    key="download_audit_log",
)
st.caption(f"The log is kept at {path} on this computer.")
