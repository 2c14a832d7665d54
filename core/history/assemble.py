"""Checked tables -> a ``TrialHistory``: the usable rows in the internal columns, and the report of them all."""

from __future__ import annotations

import pandas as pd

from core.history.columns import HistoryContract, HistoryTable
from core.history.contracts import HISTORY
from core.history.read_report import HistoryReport, TableReport
from core.history.trial_history import TrialHistory
from core.history.validation import CheckedTable
from core.reading.contract import ID_COLUMN


def table_frame(rows: pd.DataFrame, table: HistoryTable, **fills: object) -> pd.DataFrame:
    """The table's columns in its order, an absent optional one filled with its default (``fills`` first)."""
    out = table.complete(rows, f"the {table.name.replace('_', ' ')} table", **fills)[list(table.names)]
    return out.assign(**{ID_COLUMN: out[ID_COLUMN].astype(str).str.strip()})


def subjects_frame(checked: CheckedTable, phase: str | None, table: HistoryTable = HISTORY.subjects) -> pd.DataFrame:
    out = table_frame(checked.usable, table, phase=phase)
    out["end_date"] = pd.to_datetime(out["end_date"]).astype("datetime64[s]")
    out["planned_days"] = pd.array(out["planned_days"], dtype="Int64")
    out["arm"] = out["arm"].astype(str).str.strip()
    return out


def events_frame(checked: CheckedTable | None, table: HistoryTable) -> pd.DataFrame:
    """Visits or adverse events; an absent adverse-events table is an empty one."""
    if checked is None:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in table.names})
    return table_frame(checked.usable, table)


def assemble(
    subjects: CheckedTable,
    visits: CheckedTable,
    adverse_events: CheckedTable | None,
    *,
    phase: str | None,
    screen_failures: int,
    other_reports: tuple[TableReport, ...] = (),
    notes: tuple[str, ...] = (),
    schedule: tuple[int, ...] = (),
    missed_visits_listed: bool = False,
    contract: HistoryContract = HISTORY,
) -> TrialHistory:
    """The history of the usable rows; the report holds every table's account, in reading order."""
    tables = [subjects, visits] + ([adverse_events] if adverse_events is not None else [])
    report = HistoryReport(
        tables=[t.report() for t in tables] + list(other_reports),
        screen_failures=screen_failures,
        notes=list(notes),
    )
    return TrialHistory(
        subjects=subjects_frame(subjects, phase, contract.subjects),
        visits=events_frame(visits, contract.visits),
        adverse_events=events_frame(adverse_events, contract.adverse_events),
        report=report,
        schedule=schedule,
        missed_visits_listed=missed_visits_listed,
        contract=contract,
    )
