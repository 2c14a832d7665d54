"""Cohort page: upload the week's patient list, check it, score everyone, explore and export the call list."""

from __future__ import annotations

import streamlit as st

from app import state
from app.figures import cohort as cohort_charts
from app.services import reopen, starting_threshold, upload_routing, weekly
from app.text import plain
from app.views import call_order as call_order_views
from app.views import cohort as cohort_views
from app.views import cohort_start, controls, fair_test
from app.views import drift as drift_views
from app.views import history as history_views
from app.views import outreach as outreach_views
from app.views import report as report_views
from app.views import versions as versions_views
from app.views import weekly as weekly_views
from app.views.components import example_costs_notice
from core.scoring.cohort import filter_mask, site_summary

bundle = state.get_bundle()
st.title("Cohort")
# The first screen answers "how many do I call, what does it cost, who first" once a cohort is scored (filled
# below, when it is known); until then it says what the page is for.
first_screen = st.container()

reopen.on_page_start(bundle)  # a new session: the last trial's latest week, rebuilt from the store
example_costs_notice("cohort")
cohort_start.trial_switcher()
st.text_input(
    "Trial",
    key=state.TRIAL_NAME,
    placeholder="the trial this list is from, e.g. ONC-221",
    help="Each trial keeps its own weeks: 'what changed since last week' and each patient's trend compare a "
    "list only with earlier lists of the same trial. A trial history and the demo are named for you.",
)
upload_col, demo_col = st.columns([3, 1])
uploads = upload_col.file_uploader(
    "Upload this week's patient list, or your trial's history",
    type=["csv", "txt", "tsv", "xlsx", "xpt"],
    accept_multiple_files=True,
    key="cohort_upload",
    help=f"One patient list (CSV or .xlsx), or a trial history: its subjects, visits and adverse-event tables (several "
    f"files, or one workbook), or CDISC SDTM domains (.xpt or CSV). Up to {state.settings().max_upload_mb} MB a file.",
)
with demo_col:
    if st.button("Open the demo cohort", key="load_demo", help="500 synthetic patients from two trials"):
        upload_routing.open_demo()
    if st.button(
        "Open a real trial",
        key="load_real_trial",
        help="CDISC Pilot 01: a public Phase II trial of 254 patients, as SDTM (see data/cdiscpilot01)",
    ):
        upload_routing.open_real_trial()
cohort_views.column_guide()

data = upload_routing.take_uploads(uploads)  # the one patient list's bytes, else None

loaded_history = state.history()
if loaded_history is not None:
    history_views.section(loaded_history)
elif data is not None:
    cohort_views.dates_section(data, uploads[0].name)

error = state.cohort_error()
if error:
    st.error(plain(error), icon=":material/error:")
    versions_views.rollback_offer(error)

cohort = state.cohort()
if cohort is None:
    first_screen.markdown(
        "Upload your trial's patient list, one row per enrolled patient, as exported today. Every row is checked; "
        "each valid patient gets a chance of dropping out, a risk band and, if flagged, a contact under your plan. "
        "You leave with the list of whom to call first, and why."
    )
    if loaded_history is None:
        st.info("No cohort loaded yet. Upload a file above, or open the demo cohort or the real trial to look around.")
    st.stop()

cohort_start.reopened_note(cohort)
st.subheader(f"Checking {plain(cohort.filename)}")
cohort_views.validation_report(cohort)
drift_views.banner(cohort)
cohort_views.mapping_editor(cohort, data if data is not None and uploads[0].name == cohort.filename else None)
if cohort.scored.empty:
    st.warning("No patient in this file could be scored. Fix the problems listed above and upload it again.")
    st.stop()

st.subheader("Patients")
best = starting_threshold.settle(cohort)  # a cohort starts at its lowest expected cost (unless set otherwise)
controls.threshold_slider("cohort")
order_by = call_order_views.order_choice(bundle, cohort)  # a time-to-dropout model: by the chance within N weeks
probability = cohort.probability
flagged = state.policy().flagged(cohort.curves)
with first_screen:
    cohort_start.headline(cohort, flagged, best)
    cohort_start.train_pointer(bundle)
    cohort_start.top_of_call_list(cohort, flagged, bundle, cohort_views.TABLE_COLUMNS, order_by)
week = weekly.remember(cohort, flagged, bundle)  # None: no database; everything below still works
weekly_views.changes_section(cohort, flagged, week)
held = fair_test.held_mask(cohort, week)  # this week's fair test: held out from calls at random
fair_test.cohort_note(week, held)
contacts = weekly_views.last_contacts(week)  # None: no database
chosen = cohort_views.filters(cohort, contacts is not None)
rows = filter_mask(cohort.scored, flagged, chosen, weekly_views.contacted_ids(contacts))
cohort_views.patient_table(cohort, rows, flagged, bundle, weekly_views.table_columns(cohort, week, contacts), order_by)
outreach_views.section(cohort, rows, flagged & ~held, week)  # the held-out are not on the list to call

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
cohort_views.exports(cohort, rows, flagged, chosen, bundle, contacts, week.held_out if week else frozenset(), order_by)
report_views.downloads(cohort, flagged, bundle, contacts, week, order_by)
