"""Checked tables -> a ``TrialHistory``: the usable rows in the internal columns, and the report of them all."""

from __future__ import annotations

import pandas as pd

from core.history.read_report import HistoryReport, TableReport
from core.history.trial_history import TrialHistory
from core.history.validation import CheckedTable
from core.reading.contract import ID_COLUMN

_SUBJECT_DEFAULTS: dict[str, object] = {"site_id": "Unknown", "status": "ongoing", "end_date": pd.NaT}


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    return frame[name] if name in frame else pd.Series([default] * len(frame), index=frame.index, dtype=object)


def subjects_frame(checked: CheckedTable, phase: str | None) -> pd.DataFrame:
    rows = checked.usable
    out = pd.DataFrame({ID_COLUMN: rows[ID_COLUMN].astype(str).str.strip()})
    for name in ("site_id", "age", "gender", "arm", "phase", "enrolment_date", "status", "end_date", "planned_days"):
        default = phase if name == "phase" else _SUBJECT_DEFAULTS.get(name)
        out[name] = _column(rows, name, default)
    out["end_date"] = pd.to_datetime(out["end_date"]).astype("datetime64[s]")
    out["planned_days"] = pd.array(out["planned_days"], dtype="Int64")
    out["arm"] = out["arm"].astype(str).str.strip()
    return out


def visits_frame(checked: CheckedTable) -> pd.DataFrame:
    rows = checked.usable
    return pd.DataFrame(
        {
            ID_COLUMN: rows[ID_COLUMN].astype(str).str.strip(),
            "visit_date": rows["visit_date"],
            "attended": _column(rows, "attended", True).astype(bool),
        }
    )


def adverse_events_frame(checked: CheckedTable | None) -> pd.DataFrame:
    if checked is None:
        return pd.DataFrame(
            {ID_COLUMN: [], "onset_date": pd.Series(dtype="datetime64[s]"), "serious": [], "severity": []}
        )
    rows = checked.usable
    return pd.DataFrame(
        {
            ID_COLUMN: rows[ID_COLUMN].astype(str).str.strip(),
            "onset_date": rows["onset_date"],
            "serious": _column(rows, "serious", False).astype(bool),
            "severity": _column(rows, "severity", "").astype(str),
        }
    )


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
) -> TrialHistory:
    """The history of the usable rows; the report holds every table's account, in reading order."""
    tables = [subjects, visits] + ([adverse_events] if adverse_events is not None else [])
    report = HistoryReport(
        tables=[t.report() for t in tables] + list(other_reports),
        screen_failures=screen_failures,
        notes=list(notes),
    )
    return TrialHistory(
        subjects=subjects_frame(subjects, phase),
        visits=visits_frame(visits),
        adverse_events=adverse_events_frame(adverse_events),
        report=report,
        schedule=schedule,
        missed_visits_listed=missed_visits_listed,
    )
