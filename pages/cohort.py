"""Cohort page: upload the week's patient list, check it, score everyone, explore and export the call list."""

from __future__ import annotations

import streamlit as st

from app import cohort_loading, state
from app.figures import cohort as cohort_charts
from app.views import cohort as cohort_views
from app.views import controls
from app.views import drift as drift_views
from app.views.components import example_costs_notice
from app.views.text import plain
from core.decisions.cohort import filter_mask, flagged_mask, site_summary

bundle = state.get_bundle()
st.title("Cohort")
st.markdown(
    "Upload your trial's patient list, one row per enrolled patient, as exported today. Every row is checked; "
    "each valid patient gets a chance of dropping out, a risk band and, if flagged, a contact under your plan. "
    "You leave with the list of whom to call first, and why."
)

example_costs_notice("cohort")
upload_col, demo_col = st.columns([3, 1])
upload = upload_col.file_uploader(
    "Upload cohort (CSV or Excel)",
    type=["csv", "txt", "tsv", "xlsx"],
    key="cohort_upload",
    help=f"CSV (comma, semicolon or tab) or .xlsx, up to {state.settings().max_upload_mb} MB.",
)
with demo_col:
    st.write("")
    if st.button("Open the demo cohort", key="load_demo", help="500 synthetic patients from two trials"):
        cohort_loading.load_demo()

data = None
if upload is not None:
    data = upload.getvalue()
    cohort_loading.load_upload(upload.file_id, data, upload.name)

error = state.cohort_error()
if error:
    st.error(plain(error), icon=":material/error:")

cohort = state.cohort()
if cohort is None:
    st.info("No cohort loaded yet. Upload a file above, or open the demo cohort to look around.")
    st.stop()

st.subheader(f"Checking {plain(cohort.filename)}")
cohort_views.validation_report(cohort)
drift_views.banner(cohort)
cohort_views.mapping_editor(cohort, data if upload is not None and upload.name == cohort.filename else None)
if cohort.scored.empty:
    st.warning("No patient in this file could be scored. Fix the problems listed above and upload it again.")
    st.stop()

st.subheader("Patients")
controls.threshold_slider("cohort")
probability = cohort.probability
flagged = flagged_mask(cohort.curves, state.threshold(), state.capacity())
chosen = cohort_views.filters(cohort)
rows = filter_mask(cohort.scored, flagged, chosen)
cohort_views.patient_table(cohort, rows, flagged, bundle)

st.subheader("The cohort at a glance")
left, right = st.columns(2)
left.plotly_chart(
    cohort_charts.risk_distribution_figure(probability, state.threshold(), state.bands()), key="risk_distribution"
)
right.plotly_chart(cohort_charts.band_counts_figure(cohort.scored["risk_band"], state.bands()), key="band_counts")
sites = site_summary(cohort.scored, flagged)
st.plotly_chart(cohort_charts.site_figure(sites), key="site_chart")
cohort_views.site_table(sites)

st.subheader("Export the call list")
cohort_views.exports(cohort, rows, flagged, chosen, bundle)
