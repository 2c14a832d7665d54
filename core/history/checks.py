"""Checks across the tables of a history: do the dates of a patient, their visits and events fit together?

* a completed or withdrawn patient needs an end date; an ongoing one may not have one;
* the end date may not be before the enrolment date;
* a visit or adverse event must belong to an enrolled patient of the subjects table (a screen
  failure's rows are set aside, not problems) and may not be dated before that patient's enrolment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.history.trial_history import COMPLETED, ONGOING, WITHDRAWN
from core.history.validation import CheckedTable
from core.reading.contract import ID_COLUMN

SCREEN_FAILURE_REASON = "screen failure: never enrolled, so left out"


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def check_subject_dates(subjects: CheckedTable) -> None:
    """End date against status and enrolment date, for rows whose dates could be read."""
    typed = subjects.typed
    end = typed.get("end_date", pd.Series(pd.NaT, index=typed.index, dtype="datetime64[s]"))
    status = typed.get("status", pd.Series(ONGOING, index=typed.index))
    start = typed["enrolment_date"]
    end_cell = subjects.raw["end_date"] if "end_date" in subjects.raw else pd.Series("", index=typed.index)
    header = subjects.headers.get("end_date", "end date")
    before = (end < start).fillna(False).to_numpy(dtype=bool)
    if before.any():
        reasons = np.full(len(typed), "", dtype=object)
        reasons[before] = [
            f"{header} ({_day(e)}) is before the enrolment date ({_day(s)})"
            for e, s in zip(end[before], start[before], strict=True)
        ]
        subjects.flag(before, "end_date", reasons)
    ongoing_with_end = (status == ONGOING) & end.notna()
    subjects.flag(
        ongoing_with_end,
        "end_date",
        f"the patient has an {header} but is ongoing: give the status (completed or withdrawn) or clear the date",
    )
    for word in (COMPLETED, WITHDRAWN):
        no_end = (status == word) & end.isna() & end_cell.str.strip().eq("")
        subjects.flag(no_end, "end_date", f"the patient is {word} but has no {header}: add the date they left")


def check_events(
    events: CheckedTable,
    date_column: str,
    subjects: pd.DataFrame,
    *,
    rejected: set[str],
    screen_failures: set[str],
    what: str,
    early: str = "problem",
) -> None:
    """Each event's patient must be an enrolled subject, and its date on or after their enrolment.

    ``subjects``: the usable subjects (patient_id, enrolment_date); ``rejected``: ids whose subject row
    has a problem; ``early``: "problem", or "set aside" when an early event is expected by design
    (an SDTM screening visit before day 1).
    """
    ids = events.typed[ID_COLUMN].astype(str).str.strip() if len(events.typed) else pd.Series(dtype=str)
    if ids.empty:
        return
    events.set_aside(ids.isin(screen_failures), ID_COLUMN, SCREEN_FAILURE_REASON)
    header = events.headers.get(ID_COLUMN, ID_COLUMN)
    events.flag(
        ids.isin(rejected),
        ID_COLUMN,
        f"this patient's row in the subjects table has a problem, so their {what}s cannot be placed; fix that row first",
    )
    known = set(subjects[ID_COLUMN]) | rejected | screen_failures
    events.flag(
        ~ids.isin(known) & ids.ne(""),
        ID_COLUMN,
        f"{header}: this patient is not in the subjects table; add them there or correct the identifier",
    )
    start = ids.map(dict(zip(subjects[ID_COLUMN], subjects["enrolment_date"], strict=True)))
    dates = events.typed[date_column]
    early_rows = (dates < pd.to_datetime(start)).fillna(False).to_numpy(dtype=bool)
    if not early_rows.any():
        return
    event_header = events.headers.get(date_column, date_column)
    if early == "set aside":
        events.set_aside(early_rows, date_column, f"{what} before day 1 (screening): not a trial {what}")
        return
    reasons = np.full(len(dates), "", dtype=object)
    reasons[early_rows] = [
        f"{event_header} ({_day(d)}) is before this patient's enrolment ({_day(s)}); check the date"
        for d, s in zip(dates[early_rows], start[early_rows], strict=True)
    ]
    events.flag(early_rows, date_column, reasons)
