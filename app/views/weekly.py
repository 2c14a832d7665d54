"""The weekly views: what changed since last week, each patient's trend and last contact, the Patient page's weeks.

Stored weeks come from the database once per session (app.state.weekly_views); this week's values
always come from the cohort on screen, and "flagged" always from the threshold and capacity in force.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.figures.trend import risk_trend_figure
from app.records import Week
from app.services import store_access, weekly
from app.text import plain
from core.outreach.changes import LAST, MIN_RISE, NOW, WeeklyChanges, weekly_changes
from core.outreach.holdout import FAIR_TEST_COLUMN, mark_held_out
from core.outreach.last_contact import last_contact_for, recently_contacted
from core.outreach.trends import (
    CHANGE,
    TREND,
    TREND_WEEKS,
    ScoredWeek,
    risk_trends,
)
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.scoring.cohort import RECENT_CONTACT_DAYS, PatientKey, ScoredCohort
from core.store import Store, Upload

LIST_LIMIT = 500  # rows drawn per change list (the counts above them are complete)
THIS_WEEK_COLUMNS = (ID_COLUMN, SITE_COLUMN, "probability", "risk_band", "days_in_trial")
LAST_CONTACT = "last_contact"
NOT_CONTACTED_HELP = (
    f"Only patients with no contact recorded in the outreach log in the last {RECENT_CONTACT_DAYS} days "
    "(today included), whatever its outcome."
)
TABLE_COLUMNS = {  # the columns table_columns adds to the Cohort page's patient table
    FAIR_TEST_COLUMN: st.column_config.TextColumn(
        "Fair test", help="Held out from calls this week at random, to measure whether calls help (see above)."
    ),
    TREND: st.column_config.LineChartColumn(
        "Trend",
        y_min=0,
        y_max=100,
        help=f"The patient's chance of dropping out (0-100%) in each remembered week, oldest first, this week "
        f"last (up to {TREND_WEEKS} weeks). A single point: the patient is new this week.",
    ),
    CHANGE: st.column_config.NumberColumn(
        "Since last week", format="%+.1f", help="Change in the chance of dropping out since last week, in points"
    ),
    LAST_CONTACT: st.column_config.TextColumn(
        "Last contact", help="The latest contact recorded in the outreach log: its date and outcome"
    ),
}
LISTS = {  # change list -> (tab label, what it means, the columns shown)
    "new": (
        "New patients",
        "Patients in this week's list who were not in last week's.",
        ["probability" + NOW, "risk_band" + NOW, "flagged" + NOW],
    ),
    "risk_rose": (
        f"Risk rose by {MIN_RISE * 100:.0f}+ points",
        f"Patients in both lists whose chance of dropping out went up by at least {MIN_RISE * 100:.0f} percentage "
        "points since last week.",
        ["probability" + LAST, "probability" + NOW, "change", "flagged" + NOW],
    ),
    "newly_flagged": (
        "Newly flagged",
        "Patients in both lists who are flagged now (under the threshold and capacity in force) but were not "
        "flagged last week.",
        ["probability" + LAST, "probability" + NOW, "change", "risk_band" + NOW],
    ),
    "left": (
        "Left the study since last week",
        "Patients in last week's list who are not in this week's: they may have completed, withdrawn or been "
        "left out of this week's export.",
        ["probability" + LAST, "risk_band" + LAST, "flagged" + LAST, "days_in_trial" + LAST],
    ),
}
HEADERS = {
    ID_COLUMN: "Patient",
    "site": "Site",
    "probability" + LAST: "Chance last week",
    "probability" + NOW: "Chance this week",
    "change": "Change in points",
    "risk_band" + LAST: "Band last week",
    "risk_band" + NOW: "Band this week",
    "flagged" + LAST: "Flagged last week",
    "flagged" + NOW: "Flagged this week",
    "days_in_trial" + LAST: "Days in study last week",
}
PERCENT_HEADERS = ("Chance last week", "Chance this week", "Change in points")


# ---------------------------------------------------------------- stored weeks, read once per session


def _stored_scores(uploads: list[Upload], full: int | None) -> dict[int, pd.DataFrame] | None:
    """These uploads' stored scores, from this session's copy when it has them (None: the database failed).

    Only upload ``full`` (last week's, for the change list) is kept whole; the older weeks keep what a
    trend needs, so a session holds little more than two weeks of a large trial.
    """
    kept = {u.id: state.kept_scores(u.id) for u in uploads}
    # last week's copy kept only for a trend (when a later week was on screen) lacks what the change list needs
    frames = {i: f for i, f in kept.items() if f is not None and (i != full or "flagged" in f)}
    missing = [i for i in kept if i not in frames]
    if missing:

        def read(store: Store) -> dict[int, pd.DataFrame]:
            scores = {i: store.uploads.scores(i) for i in missing}
            return {i: f if i == full else f[[ID_COLUMN, "probability"]] for i, f in scores.items()}

        found = store_access.attempt(read, "The earlier weeks' scores could not be read: no changes or trends shown.")
        if found is None:
            return None
        frames.update(found)
        state.keep_scores(frames)
    return frames


def _earlier_uploads(week: Week) -> list[Upload] | None:
    """Up to TREND_WEEKS - 1 stored uploads before this week's, oldest first."""
    known = state.earlier_uploads(week.upload.id)
    if known is not None:
        return known

    def walk(store: Store) -> list[Upload]:
        found: list[Upload] = [] if week.last is None else [week.last]
        while found and len(found) < TREND_WEEKS - 1:
            before = store.uploads.latest_before(found[-1].id)
            if before is None:
                break
            found.append(before)
        return found[::-1]

    earlier = store_access.attempt(walk, "The earlier weeks could not be read, so the trends are not shown.")
    if earlier is not None:
        state.set_earlier_uploads(week.upload.id, earlier)
    return earlier


def _weeks_before(week: Week | None) -> tuple[list[Upload], dict[int, pd.DataFrame]] | None:
    """The stored weeks before this one (oldest first, last week's last) and their scores; None without them."""
    earlier = None if week is None else _earlier_uploads(week)
    if earlier is None or week is None:
        return None
    frames = _stored_scores(earlier, None if week.last is None else week.last.id)
    return None if frames is None else (earlier, frames)


def _this_week(cohort: ScoredCohort, flagged: np.ndarray) -> pd.DataFrame:
    present = [c for c in THIS_WEEK_COLUMNS if c in cohort.scored]
    return cohort.scored[present].assign(flagged=np.asarray(flagged, dtype=bool)).reset_index(drop=True)


def _flagged_now(last_week: pd.DataFrame) -> pd.DataFrame:
    """Last week's patients flagged under the threshold and capacity in force, as this week's are: "newly flagged"
    then means the patient's risk moved them onto the list, not that someone moved the slider since."""
    probability = last_week["probability"].to_numpy(dtype=float)
    return last_week.assign(flagged=state.policy().flagged(probability))


def _day(upload: Upload) -> date:
    return upload.as_of or upload.scored_at.date()


# ---------------------------------------------------------------- what changed since last week


def changes_since_last_week(cohort: ScoredCohort, flagged: np.ndarray, week: Week | None) -> WeeklyChanges | None:
    """The change lists against last week's stored scores (None: no database, a first week, or not readable)."""
    before = None if week is None or week.last is None else _weeks_before(week)
    if before is None or week is None or week.last is None:
        return None
    return weekly_changes(_flagged_now(before[1][week.last.id]), _this_week(cohort, flagged))


def changes_section(cohort: ScoredCohort, flagged: np.ndarray, week: Week | None) -> None:
    """The Cohort page's comparison with last week: four counts and the patients behind each."""
    if week is None:
        return  # no database: app.services.store_access has said so already
    if week.last is None:
        st.caption("This is the first week remembered; next week's upload will be compared with this one.")
        return
    before = _weeks_before(week)
    if before is None:
        return
    changes = weekly_changes(_flagged_now(before[1][week.last.id]), _this_week(cohort, flagged))
    last, day = week.last, _day(week.last)
    st.markdown(
        f"**Since last week** (file {plain(last.source_file)}, scored {day.day} {day:%B %Y} by {plain(last.scored_by)})"
    )
    counts = changes.counts()
    for column, (name, (label, _, _)) in zip(st.columns(4), LISTS.items(), strict=True):
        column.metric(label, f"{counts[name]:,}")
    for tab, name in zip(st.tabs([f"{LISTS[n][0]} ({counts[n]:,})" for n in LISTS]), LISTS, strict=True):
        with tab:
            _change_list(changes, name)


def _change_list(changes: WeeklyChanges, name: str) -> None:
    _, meaning, columns = LISTS[name]
    rows: pd.DataFrame = getattr(changes, name)
    st.caption(meaning)
    if rows.empty:
        st.caption("Nobody this week.")
        return
    site_week = LAST if name == "left" else NOW
    shown = rows.head(LIST_LIMIT)
    table = pd.DataFrame({ID_COLUMN: shown[ID_COLUMN]})
    if SITE_COLUMN + site_week in shown:
        table["site"] = shown[SITE_COLUMN + site_week]
    for column in columns:
        if column in shown:
            table[column] = shown[column] * 100 if HEADERS[column] in PERCENT_HEADERS else shown[column]
    table = table.rename(columns=HEADERS)
    config = {h: st.column_config.NumberColumn(h, format="%.1f%%") for h in PERCENT_HEADERS[:2]}
    config["Change in points"] = st.column_config.NumberColumn("Change in points", format="%+.1f")
    st.dataframe(table, hide_index=True, column_config=config, key=f"changes_{name}")
    if len(rows) > LIST_LIMIT:
        st.caption(f"Showing the first {LIST_LIMIT:,} of {len(rows):,}.")


# ---------------------------------------------------------------- the patient table: trend and last contact


def last_contacts(week: Week | None) -> pd.DataFrame | None:
    """The latest recorded contact of every patient ever contacted (None: no database)."""
    if week is None:
        return None  # the database is not in use: already said
    return store_access.attempt(
        lambda store: store.outreach.last_per_patient(), "Contacts are not shown: the outreach log could not be read."
    )


def contacted_ids(contacts: pd.DataFrame | None) -> frozenset[PatientKey] | None:
    """The (site, patient id) of patients with a contact in the last RECENT_CONTACT_DAYS days (None: not known)."""
    return None if contacts is None else recently_contacted(contacts, date.today(), RECENT_CONTACT_DAYS)


def table_columns(
    cohort: ScoredCohort, week: Week | None, contacts: pd.DataFrame | None
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """What adds the trend, the change since last week and the last contact to the patient table (by patient)."""
    before = _weeks_before(week)

    def add(table: pd.DataFrame) -> pd.DataFrame:
        ids = table[ID_COLUMN].astype(str)
        table = mark_held_out(table, week.held_out) if week is not None and week.held_out else table.copy()
        if before is not None and before[0]:  # a first week has no trend or change to show yet (never "None")
            weeks = [ScoredWeek(f"{_day(u)}", before[1][u.id]) for u in before[0]]
            weeks.append(ScoredWeek("this week", cohort.scored[[ID_COLUMN, "probability"]]))
            trends = risk_trends(weeks, ids)
            after = table.columns.get_loc("probability") + 1
            table.insert(after, TREND, [[round(p * 100, 1) for p in t] for t in trends[TREND]])
            table.insert(after + 1, CHANGE, trends[CHANGE].to_numpy() * 100)
        if contacts is not None:
            found = last_contact_for(table, contacts)  # by site and patient id, as the log keys contacts
            words = [
                f"{d}, {o}" if o is not None else ""
                for d, o in zip(found["contact_date"], found["outcome"], strict=True)
            ]
            after = table.columns.get_loc("contact_cost") + 1 if "contact_cost" in table else len(table.columns)
            table.insert(after, LAST_CONTACT, words)
        return table

    return add


# ---------------------------------------------------------------- the Patient page


def patient_weeks(patient_id: str, threshold: float) -> None:
    """The assessed patient's chance in each stored week of the trial on screen (any trial when none is loaded)
    and their contacts (nothing without a database)."""
    cohort = state.cohort()

    def weeks(store: Store) -> pd.DataFrame:
        if cohort is None:
            return store.uploads.patient_history(patient_id)
        return store.uploads.patient_history(patient_id, weekly.trial_of(cohort))

    found = store_access.attempt(
        lambda store: (weeks(store), store.outreach.of_patient(patient_id)),
        "The patient's earlier weeks and contacts are not shown.",
    )
    if found is None:
        return
    history, contacts = found
    st.subheader("Risk over the weeks")
    if history.empty:
        st.caption(
            f"No week remembered for patient {plain(patient_id)}: the trend appears once the patient has been in "
            "an uploaded patient list scored on the Cohort page."
        )
    else:
        st.plotly_chart(risk_trend_figure(history, threshold), key="risk_trend")
        st.caption(
            "Each point is the chance the model gave in one uploaded week (red: flagged that week). The dashed "
            "line is the threshold in force now."
        )
    if contacts.empty:
        st.caption("No contact with this patient has been recorded.")
        return
    st.markdown("**Contacts recorded**")
    table = contacts[["contact_date", "action", "contacted_by", "outcome", "note"]].astype(
        {"action": str, "contacted_by": str, "outcome": str, "note": str}
    )
    st.dataframe(
        table,
        hide_index=True,
        key="patient_contacts",
        column_config={
            "contact_date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "action": st.column_config.TextColumn("Action"),
            "contacted_by": st.column_config.TextColumn("By"),
            "outcome": st.column_config.TextColumn("Outcome"),
            "note": st.column_config.TextColumn("Note"),
        },
    )
