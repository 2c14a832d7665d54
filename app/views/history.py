"""The Cohort page's trial-history section: how the files were read, the questions to settle, the date.

A trial history is read once; the user answers what the files cannot say (the order of day and month,
the trial's phase, which generic arm each trial arm stands for), may change how its columns were matched
(the "Match columns" panel: a choice per field among the table's headers) and picks the date to score as of.
The rows not used, with their reasons, are counted per table and downloadable.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.records import Columns, LoadedHistory, TableColumns
from app.services import history_loading
from app.text import plain
from core.history.as_of import GENERIC_ARMS, default_as_of, guess_arm_mapping, trial_arms
from core.history.contracts import HISTORY
from core.history.read_report import HistoryReport
from core.history.trial_history import TrialHistory
from core.output.csv_file import csv_bytes
from core.scoring.trial_as_of import needs_arm_mapping


def _date_order(loaded: LoadedHistory) -> None:
    """Ask which order the dates are written in; the files are read again with the answer."""
    assert loaded.ambiguous is not None
    st.warning(plain(str(loaded.ambiguous)), icon=":material/calendar_month:")
    choice = st.radio(
        "These files write dates",
        ["day first (31/12/2024)", "month first (12/31/2024)"],
        index=None,
        key="history_day_first",
        horizontal=True,
    )
    if choice is not None:
        loaded.day_first = choice.startswith("day")
        st.rerun()


def _arms(loaded: LoadedHistory, history: TrialHistory) -> None:
    """For the generic model: which of its arms each trial arm stands for (a guess the user confirms)."""
    arms = trial_arms(history)
    guess = loaded.arm_mapping or guess_arm_mapping(arms)
    with st.expander(
        "Trial arms for the model in use" + ("" if loaded.arm_mapping else " (please confirm)"),
        expanded=loaded.arm_mapping is None,
    ):
        st.markdown(
            "The model in use knows three arms: Active, Control and Placebo. Say which each of this trial's "
            "arms stands for. A model trained on this trial would use the trial's own arm names."
        )
        chosen = {}
        for i, arm in enumerate(arms):
            chosen[arm] = st.selectbox(
                plain(arm), GENERIC_ARMS, index=GENERIC_ARMS.index(guess.get(arm, "Active")), key=f"history_arm_{i}"
            )
        if st.button("Use these arms", key="history_confirm_arms") or loaded.arm_mapping is not None:
            loaded.arm_mapping = chosen
    if loaded.arm_mapping is None:
        st.caption(
            "Until you confirm them, the arms are guessed from their names: "
            + ", ".join(f"{plain(a)} → {g}" for a, g in guess.items())
            + "."
        )


NO_COLUMN = "(none)"
SET_ASIDE_COLUMNS = ["table", "row", "patient_id", "column", "value", "reason"]


def _table_title(table: str) -> str:
    return table.replace("_", " ").capitalize()


def _matching_lines(match: TableColumns) -> str:
    fields = HISTORY.tables[match.table].columns
    lines = [f"- {plain(c.field.label)} ← “{plain(match.mapping[c.name])}”" for c in fields if c.name in match.mapping]
    missing = [c.field.label for c in fields if c.name not in match.mapping]
    if missing:
        lines.append("- Not found: " + plain(", ".join(missing)))
    if match.unmatched:
        lines.append("- Headers left unmatched: " + ", ".join(f"“{plain(h)}”" for h in match.unmatched))
    return "\n".join(lines)


def _pick(match: TableColumns, name: str, required: bool, key: str) -> str | None:
    """One field's header: a selectbox over the table's headers ("(none)" too for an optional field)."""
    column = HISTORY.tables[match.table][name]
    options = list(match.headers) if required else [NO_COLUMN, *match.headers]
    current = match.mapping.get(name)
    index = options.index(current) if current in options else (None if required else 0)
    label = column.field.label + ("" if required else " (optional)")
    picked = st.selectbox(plain(label), options, index=index, key=key, help=plain(column.field.help))
    if picked is None:
        return None
    return "" if picked == NO_COLUMN else str(picked)  # "": this optional field is read from no column


def match_columns(loaded: LoadedHistory, matches: list[TableColumns]) -> None:
    """The "Match columns" panel: per table, the matching used and the headers left over; change any of them."""
    if not matches:
        return
    st.markdown("**Match columns**")
    st.caption(
        "Each field of the history was matched to one of your headers. Change any match below, then read the "
        "files again; the choice is remembered for files of these names, in this session and in the database. "
        "For an optional field, (none) means the file has no such column: it is not read from any."
    )
    chosen: Columns = {}
    for match in matches:
        table = HISTORY.tables[match.table]
        incomplete = any(c.field.required and c.name not in match.mapping for c in table.columns)
        with st.expander(f"{_table_title(match.table)}: {plain(match.source)}", expanded=incomplete):
            st.markdown(_matching_lines(match))
            picks = {}
            for column in table.columns:
                key = f"history_match_{loaded.digest[:12]}_{match.table}_{column.name}"
                header = _pick(match, column.name, column.field.required, key)
                if header is not None:
                    picks[column.name] = header
            chosen[match.table] = picks
    if st.button("Read the files again with these columns", key="history_apply_columns"):
        history_loading.apply_columns(loaded, chosen)
        st.rerun()


def _not_used(report: HistoryReport) -> pd.DataFrame:
    """Every row not used, as the user wrote it: table, row, patient, column under their header, value, reason."""
    frames = [f for f in (report.problems, report.set_aside) if len(f)]
    if not frames:
        return pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    rows = pd.concat(frames, ignore_index=True)
    return rows[SET_ASIDE_COLUMNS].sort_values(["table", "row"], kind="stable", ignore_index=True)


def _not_used_lines(report: HistoryReport) -> list[str]:
    """Per table, in plain words: how many rows were set aside and why."""
    lines = []
    for table in report.tables:
        n = table.n_problem_rows + table.n_set_aside
        if not n:
            continue
        reasons = "; ".join(f"{count:,} × {why}" for why, count in table.top_reasons())
        rows = "row was" if n == 1 else "rows were"
        lines.append(f"{table.source}: {n:,} {rows} set aside. Why: {reasons}.")
    return lines


def _report(loaded: LoadedHistory, history: TrialHistory) -> None:
    report = history.report
    rows = _not_used(report)
    title = f"How {loaded.label} was read" + (f" ({len(rows):,} rows set aside)" if len(rows) else "")
    with st.expander(plain(title), expanded=bool(len(rows))):
        st.markdown("\n".join(f"- {plain(line)}" for line in report.summary()))
        if len(rows):
            st.markdown("\n".join(f"- {plain(line)}" for line in _not_used_lines(report)))
            st.dataframe(rows, hide_index=True, key="history_problems", height=220)
            st.download_button(
                "Download the rows set aside (CSV)",
                data=lambda: csv_bytes(rows),
                file_name="history_rows_set_aside.csv",
                mime="text/csv",
                on_click="ignore",
                key="download_history_problems",
            )


def section(loaded: LoadedHistory) -> None:
    """Read the history, settle its questions, pick the date, and score its patients as of that date."""
    history = history_loading.read(loaded)
    if history is None:
        if loaded.ambiguous is not None:
            _date_order(loaded)
        match_columns(loaded, loaded.matches)
        return
    st.subheader(f"Trial history: {plain(loaded.label)}")
    _report(loaded, history)
    match_columns(loaded, loaded.matches)
    if history.report.no_patients():
        return  # the page says why; the rows set aside list each one
    default, why = default_as_of(history)
    first, last = history.subjects["enrolment_date"].min(), history.data_cutoff()
    picked = st.date_input(
        "Score the patients in the study as of",
        value=(loaded.as_of or default).date(),
        min_value=first.date(),
        max_value=last.date(),
        key="history_as_of",
        help=f"Suggested: {why}.",
    )
    loaded.as_of = pd.Timestamp(picked)
    st.caption(
        f"Every patient enrolled by {loaded.as_of.date()} and not yet finished is scored with what was known "
        "that day. Patients who ended later carry what happened, so the estimates can be checked."
    )
    if needs_arm_mapping(state.get_bundle(), history):
        _arms(loaded, history)
    history_loading.score(loaded, history)
