"""The call list: the one table that every export of the app and the command line write.

Same columns, names and rounding everywhere: who the patient is, their chance of dropping out, risk
band, whether they are flagged, the contact the plan in force gives them and its price, the reasons,
the row in the uploaded file, then the user's own extra columns unchanged.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.decisions.policy import Policy
from core.model.bundle import ModelBundle
from core.model.time_model import horizon_column
from core.output.excel import Sheet, xlsx_bytes
from core.outreach.holdout import FAIR_TEST_COLUMN, mark_held_out
from core.outreach.last_contact import last_contact_for
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.reading.validation import SOURCE_ROW
from core.scoring.call_order import BY_END
from core.scoring.cohort import NOT_RECORDED, PatientKey, ScoredCohort, ranked_table
from core.scoring.scores import REASON_COLUMNS

HEADERS = {
    ID_COLUMN: "Patient ID",
    SITE_COLUMN: "Site",
    "probability": "Chance of dropping out",
    "risk_band": "Risk band",
    "flagged": "Flagged",
    FAIR_TEST_COLUMN: "Fair test",
    "contact": "Contact",
    "contact_cost": "Contact cost ($)",
    **{name: f"Reason {i + 1}" for i, name in enumerate(REASON_COLUMNS)},
    NOT_RECORDED: "Not recorded",
    SOURCE_ROW: "Row in file",
}
LAST_CONTACT_HEADERS = {"contact_date": "Last contact date", "outcome": "Last contact outcome"}
PERCENT_COLUMNS = ("Chance of dropping out",)  # probabilities 0-1, shown as percentages in Excel
WITHIN_HEADER = "Chance of leaving within {} weeks"  # a time-to-dropout model's chance per horizon
WITHIN_MEANING = (
    "The model's estimated chance (0-100%) that the patient drops out within the next {} weeks "
    "(a time-to-dropout model only)."
)
MONEY_COLUMNS = ("Contact cost ($)",)
PROBABILITY_DECIMALS = 4
FROM_FILE = "from_file"  # table.attrs key: the user's own columns, carried unchanged
FROM_FILE_MEANING = "A column of your uploaded file, carried over unchanged."
MEANINGS = {  # one line per column of the call list, written beside it in every export ("About this export")
    "Patient ID": "The patient's identifier, as in your file.",
    "Site": "The patient's trial site, as in your file.",
    "Chance of dropping out": "The model's estimated chance (0-100%) that the patient withdraws before completing.",
    "Risk band": "The band that chance falls in (your bands on Thresholds & costs).",
    "Flagged": "Yes: at or above the decision threshold and within staff capacity, so on the list to contact.",
    "Contact": "The contact your outreach plan gives a flagged patient; blank when not flagged.",
    "Contact cost ($)": "That contact's price under your plan; blank when not flagged.",
    "Reason 1": "The fact that moves this patient's chance most, in words (from the model's explanation).",
    "Reason 2": "The fact that moves it second most.",
    "Reason 3": "The fact that moves it third most.",
    "Not recorded": "Inputs your file left blank for this patient: the model scored without them.",
    "Row in file": "The patient's row in your uploaded file, numbered as the list of problems numbers rows.",
    "Last contact date": "The latest contact recorded for this patient in the outreach log; blank if none.",
    "Last contact outcome": "That contact's outcome (reached, no answer, declined, rescheduled).",
}


def call_list(
    cohort: ScoredCohort,
    rows: np.ndarray,
    flagged: np.ndarray,
    policy: Policy,
    bundle: ModelBundle,
    last_contacts: pd.DataFrame | None = None,
    held_out: frozenset[PatientKey] = frozenset(),
    order_by: str = BY_END,
) -> pd.DataFrame:
    """The chosen rows (a boolean mask), highest risk first, with readable headers.

    ``order_by`` orders the rows by another scored chance, highest first (``core.scoring.call_order``: a
    time-to-dropout model's chance within N weeks); who is flagged, their contact and its price do not change.

    ``last_contacts`` (the outreach log's latest contact per site and patient: patient_id, site_id,
    contact_date, outcome)
    adds "Last contact date" and "Last contact outcome", empty for a patient never contacted; without it
    (no database, or the command line) the list has no such columns. ``held_out``: the (site, patient id) the
    week's fair test holds out, marked "Held out this week (fair test): do not call" instead of a contact.
    """
    table = ranked_table(cohort, rows, flagged, policy, bundle, order_by=order_by)
    if held_out:
        table = mark_held_out(table, held_out)
    headers = _with_horizons(bundle)
    ours = [c for c in headers if c in table.columns]
    extras = cohort.result.extra_columns
    out = table[ours].rename(columns=headers)
    for column in _percent_columns(out):
        out[column] = out[column].round(PROBABILITY_DECIMALS)
    out["Flagged"] = np.where(out["Flagged"].to_numpy(dtype=bool), "Yes", "No")
    if last_contacts is not None:
        found = last_contact_for(table, last_contacts)  # by site and patient id
        for column, header in LAST_CONTACT_HEADERS.items():
            out[header] = found[column].to_numpy()
    taken = set(out.columns)
    for column in extras:  # the user's columns come last, under their own names unless one is ours
        out[f"{column} (from file)" if column in taken else column] = table[column].to_numpy()
    out = out.reset_index(drop=True)
    out.attrs[FROM_FILE] = [c for c in out.columns if c not in taken]
    return out


def _with_horizons(bundle: ModelBundle) -> dict[str, str]:
    """The headers, with a time-to-dropout model's chance per horizon right after the chance of dropping out."""
    within = {horizon_column(weeks): WITHIN_HEADER.format(weeks) for weeks in bundle.horizons}
    items = list(HEADERS.items())
    at = [key for key, _ in items].index("probability") + 1
    return dict(items[:at] + list(within.items()) + items[at:])


def _percent_columns(table: pd.DataFrame) -> list[str]:
    prefix = WITHIN_HEADER.split("{}")[0]
    return [c for c in table.columns if c in PERCENT_COLUMNS or str(c).startswith(prefix)]


def _meaning(column: str) -> str:
    found = re.fullmatch(WITHIN_HEADER.replace("{}", r"(\d+)"), column)
    return WITHIN_MEANING.format(found.group(1)) if found else MEANINGS.get(column, "")


def column_meanings(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Each column of a call list with one line of meaning, in the table's order (blank if none is known: a test
    fails on that, so a new column comes with its meaning)."""
    from_file = set(table.attrs.get(FROM_FILE, ()))
    return [(str(c), FROM_FILE_MEANING if c in from_file else _meaning(str(c))) for c in table.columns]


def about_rows(table: pd.DataFrame, about: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What produced the export, then what each of its columns means (for the About sheet and the sidecar)."""
    return [*about, ("", ""), ("Columns of the list", "What each means"), *column_meanings(table)]


def call_list_workbook(table: pd.DataFrame, about: list[tuple[str, str]]) -> bytes:
    """The call list as an Excel workbook: the list (percentages, dollars, frozen and filterable header) and
    an "About this export" sheet with what produced it and what each column means."""
    return xlsx_bytes(
        [
            Sheet(
                "Flagged patients",
                table,
                percent_columns=tuple(_percent_columns(table)),
                money_columns=MONEY_COLUMNS,
                date_columns=[c for c in (LAST_CONTACT_HEADERS["contact_date"],) if c in table],
            ),
            Sheet("About this export", pd.DataFrame(about_rows(table, about), columns=["setting", "value"])),
        ]
    )
