"""SDTM DS -> each subject's status and end date: the latest disposition event, read the SDTM way.

DSCAT = "DISPOSITION EVENT" rows are dispositions (other categories are set aside); DSDECOD COMPLETED
means completed, SCREEN FAILURE never enrolled, any other term withdrawn; DSSTDTC is the end date.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from core.history.checks import SCREEN_FAILURE_REASON
from core.history.contracts import HISTORY, SUBJECTS_CONTRACT
from core.history.statuses import SCREEN_FAILURE, disposition_status
from core.history.trial_history import ONGOING, WITHDRAWN
from core.history.validation import CheckedTable
from core.reading.contract import ID_COLUMN, Contract, Field

# The end date and the disposition term (read as the status) come from where the subjects table says.
DS_MAPPING = {
    ID_COLUMN: "USUBJID",
    "end_date": HISTORY.subjects["end_date"].sdtm_variable,
    "disposition": HISTORY.subjects["status"].sdtm_variable,
    "category": "DSCAT",
}
DS_CONTRACT = Contract(
    (
        replace(SUBJECTS_CONTRACT[ID_COLUMN], unique=False),
        replace(SUBJECTS_CONTRACT["end_date"], required=True),
        Field("disposition", "text", "Disposition", "COMPLETED or the reason for leaving.", drift=False),
        Field("category", "text", "Category", "DISPOSITION EVENT or another category.", required=False, drift=False),
    )
)


def latest_dispositions(ds: CheckedTable, screen_failures: set[str]) -> pd.DataFrame:
    """The latest disposition event per patient (patient_id, status, reason as DSDECOD wrote it, end_date, row);
    adds DS screen failures.

    Rows that are not disposition events, belong to a screen failure, or are an earlier disposition
    of a patient are set aside.
    """
    if "category" in ds.raw:
        other = ds.raw["category"].str.strip().str.upper().ne("DISPOSITION EVENT")
        ds.set_aside(other, "category", "not a disposition event (DSCAT)")
    status = disposition_status(ds.raw["disposition"])
    ids = ds.raw[ID_COLUMN].str.strip()
    live = ~ds.raw.index.isin(ds.aside_rows)
    screen_failures |= set(ids[live & (status == SCREEN_FAILURE)])
    ds.set_aside(ids.isin(screen_failures), ID_COLUMN, SCREEN_FAILURE_REASON)
    written = ds.raw["disposition"].str.strip()
    events = ds.typed.assign(**{ID_COLUMN: ids, "status": status, "reason": written, "row": ds.typed.index})
    events = events.loc[~events.index.isin(ds.aside_rows)]
    latest = events.sort_values("end_date", kind="stable").groupby(ID_COLUMN, sort=False).tail(1)
    earlier = events.index.difference(latest.index)
    ds.set_aside(
        ds.raw.index.isin(earlier), "end_date", "an earlier disposition event of this patient (the latest is used)"
    )
    return latest[[ID_COLUMN, "status", "reason", "end_date", "row"]]


def attach_dispositions(dm: CheckedTable, ds: CheckedTable, dispositions: pd.DataFrame) -> None:
    """Each DM subject's status and end date from DS (none: ongoing). A subject whose disposition row has a
    problem cannot be used: its DM row says where to look."""
    ids = dm.raw[ID_COLUMN].str.strip()
    by_id = dispositions.set_index(ID_COLUMN)
    dm.typed["status"] = ids.map(by_id["status"]).fillna(ONGOING)
    # The DSDECOD term is the reason a patient left (core.history.endings reads it); none for a completer.
    reason = ids.map(by_id["reason"]).fillna("")
    dm.typed["reason"] = reason.where(dm.typed["status"] == WITHDRAWN, "")
    dm.typed["end_date"] = pd.to_datetime(ids.map(by_id["end_date"])).astype("datetime64[s]")
    written = ds.raw["end_date"].reindex(by_id["row"].to_numpy()).to_numpy()
    dm.raw["end_date"] = ids.map(pd.Series(written, index=by_id.index)).fillna("")
    dm.headers["end_date"] = "DSSTDTC (in DS)"
    broken = by_id[by_id["row"].isin(ds.problem_rows)]["row"]
    rows = ids.map(broken)
    reasons = "the disposition event in DS (row " + rows.astype("Int64").astype(str) + ") has a problem; fix it there"
    dm.flag(rows.notna(), "end_date", reasons.to_numpy())


def flag_unknown_patients(ds: CheckedTable, known: set[str]) -> None:
    """Disposition rows of a patient DM does not hold."""
    ids = ds.raw[ID_COLUMN].str.strip()
    live = ~ds.raw.index.isin(ds.aside_rows)
    ds.flag(live & ~ids.isin(known) & ids.ne(""), ID_COLUMN, "USUBJID: this patient is not in DM")
