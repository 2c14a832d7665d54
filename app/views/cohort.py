"""Sections of the Cohort page: validation report, column matching, filters, ranked table, exports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import streamlit as st

from app import navigation, state
from app.services import audit_trail, cohort_loading
from app.text import plain
from app.views import call_order as call_order_views
from app.views import weekly as weekly_views
from core.model.bundle import ModelBundle
from core.output.csv_file import csv_bytes
from core.output.excel import Sheet, xlsx_bytes
from core.output.provenance import export_file_name, export_metadata
from core.outreach.call_list import call_list, call_list_workbook
from core.reading import template
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN, SITE_COLUMN
from core.reading.validation import SOURCE_ROW
from core.scoring.call_order import BY_END, order_about, order_words
from core.scoring.cohort import NOT_RECORDED, CohortFilter, PatientKey, ScoredCohort, in_keys, ranked_table

TABLE_LIMIT = 1000  # rows drawn in the table; the export holds every flagged patient
NOT_IN_FILE = "(not in the file)"


def validation_report(cohort: ScoredCohort) -> None:
    result = cohort.result
    read, scored, attention = result.n_read, len(cohort.scored), result.n_invalid_rows
    a, b, c = st.columns(3)
    a.metric("Rows read", f"{read:,}")
    b.metric("Patients scored", f"{scored:,}")
    c.metric("Rows that need attention", f"{attention:,}")
    st.caption(f"{read:,} rows read = {scored:,} scored + {attention:,} with problems. No row is dropped silently.")
    contract = state.get_bundle().contract
    for conflict in result.conflicts:
        others = " and ".join(f'"{plain(o)}"' for o in conflict.others)
        st.warning(
            f'Two columns could be {contract[conflict.field].label}: "{plain(conflict.chosen)}" was used; {others} '
            "is kept as an extra column. If that is the wrong one, change it under *How your columns were matched*.",
            icon=":material/call_split:",
        )
    if attention:
        st.warning(
            f"{attention:,} rows were not scored because of the problems listed below. "
            "Fix them in your file and upload it again; every other patient is scored."
        )
        st.dataframe(
            result.problems.rename(columns={ID_COLUMN: "patient"}), hide_index=True, height=240, key="problems_table"
        )
        rejected_ids = result.problems[ID_COLUMN].astype(str).unique().tolist()
        problems_csv = audit_trail.audited_download(
            "export_problem_rows", lambda: csv_bytes(result.rejected), lambda: rejected_ids, input_sha256=cohort.sha256
        )
        st.download_button(
            "Download rows with problems (CSV)",
            data=problems_csv,
            file_name=f"rows_with_problems_{cohort.filename.rsplit('.', 1)[0]}.csv",
            mime="text/csv",
            key="download_problems",
            on_click="ignore",
        )
    if result.has_outcome:
        n_known = int(cohort.scored[OUTCOME_COLUMN].notna().sum())
        st.success(
            f"This file has observed outcomes (dropout) for {n_known:,} patients: the model can be checked "
            "against what really happened on the Thresholds & costs page.",
            icon=":material/fact_check:",
        )


def mapping_editor(cohort: ScoredCohort, data: bytes | None) -> None:
    """Show how columns were matched and let the user correct it."""
    result = cohort.result
    with st.expander(
        "How your columns were matched" + (" (extra columns are kept in exports)" if result.extra_columns else "")
    ):
        table = pd.DataFrame({"needed": list(state.get_bundle().contract.names)})
        table["your column"] = table["needed"].map(result.mapping).fillna(NOT_IN_FILE)
        st.dataframe(table, hide_index=True, key="mapping_table")
        if result.extra_columns:
            st.caption("Carried through unchanged: " + ", ".join(plain(c) for c in result.extra_columns))
        if data is None:
            return
        headers = sorted(set(result.mapping.values()) | set(result.extra_columns))
        st.markdown("**Fix a wrong match**: pick the column of your file for each field, then apply.")
        grid = st.columns(3)
        chosen: dict[str, str] = {}
        for i, needed in enumerate(table["needed"]):
            options = [NOT_IN_FILE, *headers]
            current = result.mapping.get(needed, NOT_IN_FILE)
            with grid[i % 3]:
                pick = st.selectbox(needed, options, index=options.index(current), key=f"map_{needed}")
            if pick != NOT_IN_FILE:
                chosen[needed] = pick
        if st.button("Apply column matching", key="apply_mapping"):
            cohort_loading.load(data, cohort.filename, chosen)
            st.rerun()


def filters(cohort: ScoredCohort, contacts_known: bool = False) -> CohortFilter:
    scored = cohort.scored
    cols = st.columns([1, 1, 1, 1, 1.6, 1.4])  # the last holds "Not contacted yet", cut when narrower
    bands = cols[0].multiselect("Risk band", [b.name for b in state.bands()], key="filter_bands", placeholder="All")
    sites = cols[1].multiselect(
        "Site",
        sorted(scored[SITE_COLUMN].astype(str).unique()) if SITE_COLUMN in scored else [],
        key="filter_sites",
        placeholder="All",
    )
    levels = state.get_bundle().contract.category_levels()
    arms = cols[2].multiselect("Arm", list(levels["treatment_group"]), key="filter_arms", placeholder="All")
    phases = cols[3].multiselect("Phase", list(levels["trial_phase"]), key="filter_phases", placeholder="All")
    low, high = cols[4].slider("Chance of dropping out", 0.0, 1.0, (0.0, 1.0), step=0.01, key="filter_probability")
    flagged_only = cols[5].checkbox("Flagged only", key="filter_flagged")
    not_contacted = cols[5].checkbox(
        "Not contacted yet",
        key="filter_not_contacted",
        disabled=not contacts_known,
        help=weekly_views.NOT_CONTACTED_HELP if contacts_known else "Needs the database, where contacts are recorded.",
    )
    not_contacted = not_contacted and contacts_known  # a ticked box left from a run with the database
    return CohortFilter(
        tuple(bands), tuple(sites), tuple(arms), tuple(phases), (low, high), flagged_only, not_contacted
    )


TABLE_COLUMNS = {
    ID_COLUMN: st.column_config.TextColumn("Patient", pinned=True),  # stays in view when the table scrolls
    SITE_COLUMN: st.column_config.TextColumn("Site"),
    # medium: with the key columns the table fits 1280 pixels; a longer reason shows whole on hover
    **{f"reason_{i}": st.column_config.TextColumn(f"Reason {i}", width="medium") for i in (1, 2, 3)},
    NOT_RECORDED: st.column_config.TextColumn("Not recorded", help="Inputs left blank: scored without them"),
    "probability": st.column_config.ProgressColumn(  # shown as 0-100 so the percentage carries one decimal
        "Chance of dropping out", format="%.1f%%", min_value=0, max_value=100, width=130
    ),
    "risk_band": st.column_config.TextColumn("Band"),
    "flagged": st.column_config.CheckboxColumn("Flagged", width="small"),
    "contact": st.column_config.TextColumn("Contact"),
    "contact_cost": st.column_config.NumberColumn("Contact cost", format="$%.2f"),
    SOURCE_ROW: st.column_config.NumberColumn("Row in file"),
    **call_order_views.CHANCE_COLUMNS,  # a time-to-dropout model's chance within 4, 8, 12 weeks
    **weekly_views.TABLE_COLUMNS,  # trend, change since last week, last contact
}
# Opened on request (the column picker): at 1280 pixels every column at once pushed the key ones out of view.
# The patient's inputs (age, visits, ...) are opened there too; any other column shows from the start.
# A chance within N weeks waits there too, unless the list is ordered by it.
MORE_COLUMNS = ("reason_2", "reason_3", NOT_RECORDED, "contact_cost", SOURCE_ROW, *call_order_views.CHANCE_COLUMNS)


def _header(column: str) -> str:
    config = TABLE_COLUMNS.get(column)
    return str(config["label"]) if config and config.get("label") else column


def _blank(column: pd.Series) -> bool:
    """Nothing to read in it (no contact recorded yet, say): it waits in the column picker."""
    return bool(column.isna().all() or (column.astype(str).str.strip() == "").all())


def shown_columns(table: pd.DataFrame, order_by: str = BY_END) -> list[str]:
    """The table's columns to draw: the key ones, the one the list is ordered by, and those the user opened."""
    more = [c for c in table.columns if c in MORE_COLUMNS or c not in TABLE_COLUMNS or _blank(table[c])]
    opened = st.multiselect(
        "More columns",
        more,
        format_func=_header,
        key="table_more_columns",
        placeholder="Add columns: reasons 2 and 3, contact cost, the patient's inputs, row in file",
    )
    return [c for c in table.columns if c not in more or c in opened or c == order_by]


def patient_table(
    cohort: ScoredCohort,
    rows: np.ndarray,
    flagged: np.ndarray,
    bundle: ModelBundle,
    add_columns: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    order_by: str = BY_END,
) -> None:
    """The filtered patients, highest risk first (or in the order chosen: ``order_by``); selecting one offers to open
    it on the Patient page.

    ``add_columns`` adds columns by patient (app.views.weekly.table_columns: trend and last contact).
    """
    matching = int(rows.sum())
    table = ranked_table(cohort, rows, flagged, state.policy(), bundle, limit=TABLE_LIMIT, order_by=order_by)
    if add_columns is not None:
        table = add_columns(table)
    shown = f"the first {TABLE_LIMIT:,} of " if matching > TABLE_LIMIT else ""
    st.caption(
        f"Showing {shown}{matching:,} matching patients, {order_words(order_by, bundle)}. Click a column header to "
        "sort; tick a row to open that patient."
    )
    event = st.dataframe(
        call_order_views.in_percent(table),
        hide_index=True,
        column_config=TABLE_COLUMNS,
        column_order=shown_columns(table, order_by),
        on_select="rerun",
        selection_mode="single-row",
        key="patient_table",
        height=420,
    )
    selected = event.selection.rows if event is not None else []
    if selected:
        row = table.iloc[selected[0]]
        if st.button(f"Open patient {plain(row[ID_COLUMN])} on the Patient page", type="primary", key="open_patient"):
            position = int(table.index[selected[0]])
            fields = cohort.result.valid.loc[position]
            values = {k: (v.item() if hasattr(v, "item") else v) for k, v in fields.items()}
            state.set_patient_prefill(values)
            st.switch_page(navigation.PATIENT)


def _export_words(count: int, flagged_total: int, chosen: CohortFilter) -> str:
    narrowed = chosen.describe()
    if not narrowed:
        return f"The download holds the **{count:,} flagged patients**"
    return (
        f"The download holds the **{count:,} flagged patients** that match your filters ({narrowed}), "
        f"of {flagged_total:,} flagged in all"
    )


def _held_words(cohort: ScoredCohort, listed: np.ndarray, held_out: frozenset[PatientKey]) -> str:
    held = int(in_keys(cohort.scored[listed], held_out).sum()) if held_out else 0
    return f' {held:,} of them are held out this week (fair test): the list marks them "do not call".' if held else ""


def exports(
    cohort: ScoredCohort,
    rows: np.ndarray,
    flagged: np.ndarray,
    chosen: CohortFilter,
    bundle: ModelBundle,
    last_contacts: pd.DataFrame | None = None,
    held_out: frozenset[PatientKey] = frozenset(),
    order_by: str = BY_END,
) -> None:
    """Download buttons for the call list: the flagged patients that pass the filters, under the policy in force
    (with each patient's last recorded contact when ``last_contacts`` is given, and this week's fair-test
    hold-out marked "do not call"), in the order chosen (``order_by``)."""
    policy = state.policy()
    listed = flagged & rows
    count = int(listed.sum())
    st.markdown(
        _export_words(count, int(flagged.sum()), chosen)
        + f" at a threshold of {policy.threshold:.1%}"
        + ("" if policy.capacity is None else f" within a staff capacity of {policy.capacity:,}")
        + f", {order_words(order_by, bundle)}, with reasons. {policy.describe()}"
        + _held_words(cohort, listed, held_out)
    )
    if not count:
        st.caption("Nobody is on the list: lower the threshold or widen the filters to build a call list.")
        return
    now = datetime.now(UTC)
    meta = export_metadata(
        bundle,
        policy,
        now,
        cohort.filename,
        f"{count:,} flagged patients" + (f" ({chosen.describe()})" if chosen.describe() else ""),
    ) + order_about(order_by, bundle)

    def table() -> pd.DataFrame:
        return call_list(cohort, listed, flagged, policy, bundle, last_contacts, held_out, order_by)

    def listed_ids() -> list[str]:
        return cohort.scored.loc[listed, ID_COLUMN].tolist()

    def flagged_xlsx() -> bytes:
        return call_list_workbook(table(), meta)

    audit = {"input_sha256": cohort.sha256, "n_flagged": count, "plan": policy.plan, "filters": chosen.describe()}
    flagged_csv = audit_trail.audited_download("export_flagged_csv", lambda: csv_bytes(table()), listed_ids, **audit)
    flagged_xlsx = audit_trail.audited_download("export_flagged_xlsx", flagged_xlsx, listed_ids, **audit)
    a, b = st.columns(2)
    a.download_button(
        "Download the call list (CSV)",
        data=flagged_csv,
        on_click="ignore",
        mime="text/csv",
        file_name=export_file_name("flagged_patients", policy, now, "csv"),
        key="download_flagged_csv",
        type="primary",
    )
    b.download_button(
        "Download the call list (Excel)",
        data=flagged_xlsx,
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name=export_file_name("flagged_patients", policy, now, "xlsx"),
        key="download_flagged_xlsx",
    )
    st.caption(
        "Both files hold the same table; the Excel file also has an 'About this export' sheet (model, threshold, "
        "capacity, plan and costs, and one line on what each column means). They are safe to open in Excel: text that could run as a formula is prefixed "
        "with an apostrophe."
    )


def site_table(sites: pd.DataFrame) -> None:
    """Per site: patients, expected dropouts, flagged and mean risk, with readable headers and numbers."""
    st.dataframe(
        sites.assign(mean_risk=sites["mean_risk"] * 100),
        hide_index=True,
        key="site_table",
        column_config={
            "site": st.column_config.TextColumn("Site"),
            "patients": st.column_config.NumberColumn("Patients", format="%d"),
            "expected_dropouts": st.column_config.NumberColumn("Expected dropouts", format="%.1f"),
            "flagged": st.column_config.NumberColumn("Flagged", format="%d"),
            "mean_risk": st.column_config.NumberColumn("Mean chance of dropping out", format="%.1f%%"),
        },
    )


def column_guide() -> None:
    """What to upload, field by field, with a template to fill in."""
    contract = state.get_bundle().contract
    with st.expander("What to upload: the column guide and a template"):
        st.markdown(
            "**A patient list**: one row per enrolled patient, as of the day you export it. Headers are matched "
            "forgivingly (case, spaces and common synonyms). Fields marked *may be blank* can be left empty: the "
            "patient is still scored without them.\n\n"
            "**Or a trial history**, and the app works out each patient's numbers as of a date you choose: three "
            "tables (subjects, visits, adverse events) as several files or one workbook, or CDISC SDTM domains "
            "(DM, DS, SV, AE, TS) as .xpt or CSV."
        )
        st.dataframe(template.column_guide(contract), hide_index=True, key="column_guide")
        example = template.template_frame(contract)
        left, right = st.columns(2)
        left.download_button(
            "Download a template (CSV)",
            data=csv_bytes(example),
            file_name="cohort_template.csv",
            mime="text/csv",
            key="download_template_csv",
            on_click="ignore",
        )
        right.download_button(
            "Download a template (Excel)",
            data=xlsx_bytes([Sheet("Patients", example)]),
            file_name="cohort_template.xlsx",
            key="download_template_xlsx",
            on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


DAY_FIRST_CHOICES = ("day first (31/12/2024)", "month first (12/31/2024)")


def dates_section(data: bytes, filename: str) -> None:
    """For a file that gives dates: settle the order of day and month, and the date days are counted to."""
    digest = hashlib.sha256(data).hexdigest()
    question = state.date_question()
    if question is not None and question[0] == digest:
        st.warning(plain(question[1]), icon=":material/calendar_month:")
        choice = st.radio(
            "This file writes dates", DAY_FIRST_CHOICES, index=None, key="cohort_day_first", horizontal=True
        )
        if choice is not None:
            state.set_date_order(digest, choice == DAY_FIRST_CHOICES[0])
            cohort_loading.load(data, filename, day_first=state.date_order(digest))
            st.rerun()
        return
    cohort = state.cohort()
    if cohort is None or cohort.result.as_of is None or cohort.filename != filename:
        return
    picked = st.date_input(
        "Days in the trial are counted to",
        value=cohort.result.as_of.date(),
        key="cohort_as_of",
        help="The file gives dates; each patient's days in the trial and the study day of their "
        "last visit are counted to this date. Default: the latest date in the file.",
    )
    if pd.Timestamp(picked) != cohort.result.as_of:
        cohort_loading.load(
            data, filename, cohort.result.mapping, as_of=pd.Timestamp(picked), day_first=state.date_order(digest)
        )
        st.rerun()
