"""A returned call list (CSV or .xlsx) -> the contacts it records, and the rows that cannot be recorded.

The coordinator downloads the call list, makes the calls, fills in an "Outcome" column and uploads the file
again. Required columns: the patient identifier (headed as in a cohort file: "Patient ID", "Subject", …)
and the outcome. Optional: the contact date (default: today), the action (default "Phone call"), who made
the contact (default: the person uploading) and a note. The file is read by the same readers as a cohort
file (encodings, delimiters, a title above the header, .xlsx), so the exported call list reads back as it is.

Decisions:

* A row whose outcome is blank is not a contact (the call was not made): it is skipped and counted.
* Outcomes are read forgivingly: any case, and the words coordinators write ("voicemail" is no answer,
  "refused" declined, "call back" rescheduled, "spoke" reached).
* A refused row names its row as the spreadsheet numbers it, the user's own header and the reason; the
  other rows are still recorded.
* The exports put an apostrophe before text that could run as a formula ("'-12"); it is taken off again
  here. An identifier that still starts with "=" is a formula, not a patient, and is refused.
* A contact cannot be dated after today. A patient listed twice with the same date and outcome is one contact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from core.reading.contract import CONTRACT, ID_COLUMN, Contract, Field
from core.reading.dates import parse_dates
from core.reading.errors import SchemaError
from core.reading.headers import apply_mapping, is_beyond_header, match_columns
from core.reading.tables import ROW_NUMBER, read_table
from core.store.outreach import NewContact
from core.store.schema import OUTCOMES

OUTCOME, CONTACT_DATE, ACTION, CONTACTED_BY, NOTE = "outcome", "contact_date", "action", "contacted_by", "note"
DEFAULT_ACTION = "Phone call"
NOTE_LIMIT = 2_000  # characters: a note is a line or two, not a report
TEXT_LIMIT = 200  # characters of an identifier, an action or a name (what the store keeps)
REFUSED_COLUMNS = ["row", "patient", "column", "value", "reason"]

OUTCOME_SYNONYMS = {
    "reached": "reached",
    "spoke": "reached",
    "spoken": "reached",
    "spoketo": "reached",
    "contacted": "reached",
    "noanswer": "no answer",
    "voicemail": "no answer",
    "noreply": "no answer",
    "notreachable": "no answer",
    "declined": "declined",
    "refused": "declined",
    "rescheduled": "rescheduled",
    "callback": "rescheduled",
}
ACCEPTED_WORDS = "reached, no answer, declined or rescheduled (also: voicemail, no reply, refused, call back, spoke)"

CONTACTS_CONTRACT = Contract(
    (
        replace(CONTRACT[ID_COLUMN], unique=False),
        Field(
            OUTCOME,
            "text",
            "Outcome",
            "What came of the contact: " + ", ".join(OUTCOMES) + ". Leave it blank if the call was not made.",
            synonyms=("call outcome", "contact outcome", "call result", "result of call"),
            generic_synonyms=("result",),
        ),
        Field(
            CONTACT_DATE,
            "date",
            "Contact date",
            "The day of the contact (default: today).",
            required=False,
            synonyms=("date contacted", "contacted on", "call date", "date of contact", "date called"),
            generic_synonyms=("date",),
        ),
        Field(
            ACTION,
            "text",
            "Action",
            f'What was done (default "{DEFAULT_ACTION}").',
            required=False,
            synonyms=("contact action", "what was done", "contact type", "action taken"),
            generic_synonyms=("contact",),  # the call list's planned contact, when nobody wrote what was done
        ),
        Field(
            CONTACTED_BY,
            "text",
            "Contacted by",
            "Who made the contact (default: the person uploading the file).",
            required=False,
            synonyms=("called by", "caller", "coordinator"),
            generic_synonyms=("by",),
        ),
        Field(NOTE, "text", "Note", "Free text.", required=False, synonyms=("notes", "comment", "comments", "remarks")),
    )
)

_PREFIXED_FORMULA = re.compile(r"^'(?=[ \t\r\n]*[=+\-@]|[\t\r])")  # core.output.safe_text's apostrophe


def outcome_of(text: str) -> str | None:
    """The stored outcome a cell names ("No Answer", "voicemail", "Call back"), or None if it names none."""
    return OUTCOME_SYNONYMS.get(re.sub(r"[^a-z]", "", text.lower()))


@dataclass(frozen=True)
class ContactsFile:
    """What a returned call list records: contacts to store, refused rows, and the rows that were no contact."""

    contacts: list[NewContact]
    refused: pd.DataFrame  # REFUSED_COLUMNS: one line per problem (a row may have several)
    mapping: dict[str, str]  # field -> the file's own header
    rows_read: int  # rows with anything in them
    not_called: int  # rows with a blank outcome
    duplicates: int  # rows repeating a contact already listed above them (same patient, date and outcome)
    ambiguous_dates: tuple[str, ...] = field(default=())  # a few dates whose day/month order cannot be told

    @property
    def refused_rows(self) -> int:
        return int(self.refused["row"].nunique()) if len(self.refused) else 0


def read_contacts(
    data: bytes,
    filename: str,
    *,
    recorded_by: str,
    today: date,
    known_patients: Mapping[str, str | None] | None = None,
    day_first: bool | None = None,
    max_upload_mb: float | None = None,
) -> ContactsFile:
    """Read a returned call list; raises SchemaError when the file cannot be used at all.

    ``known_patients`` (patient -> site), when given, are the only patients a contact may name (the list on
    screen): any other identifier is refused as a likely typo, and each contact takes its patient's site.
    """
    frame = read_table(data, filename, max_upload_mb=max_upload_mb, contract=CONTACTS_CONTRACT)
    mapping = match_columns(frame.columns, CONTACTS_CONTRACT).mapping
    frame = apply_mapping(frame, mapping, CONTACTS_CONTRACT, filename)
    if frame.index.name != ROW_NUMBER:
        frame.index = pd.RangeIndex(2, len(frame) + 2)
    cells = frame[[c for c in frame.columns if not is_beyond_header(c)]].astype(str).apply(_unprefixed)
    cells = cells.loc[:, ~cells.columns.duplicated()]
    filled = cells.ne("").any(axis=1)
    cells = cells[filled]
    if cells.empty:
        raise SchemaError(f"{filename} has a header row but no patients. Fill in the Outcome column and upload it.")
    outcome_blank = cells[OUTCOME] == ""
    rows = cells[~outcome_blank]
    return _contacts(rows, mapping, recorded_by, today, known_patients, day_first, len(cells), int(outcome_blank.sum()))


def _unprefixed(column: pd.Series) -> pd.Series:
    """Trimmed cells, without the apostrophe the exports put before formula-like text."""
    return column.str.strip().str.replace(_PREFIXED_FORMULA, "", regex=True)


class _Refusals:
    """The problems found so far, one line each, naming the user's own header."""

    def __init__(self, rows: pd.DataFrame, mapping: dict[str, str]) -> None:
        self._rows, self._mapping = rows, mapping
        self.lines: list[pd.DataFrame] = []
        self.bad = pd.Series(False, index=rows.index)

    def add(self, mask: pd.Series, name: str, reason: str | pd.Series) -> None:
        if not mask.any():
            return
        header = self._mapping.get(name, name)
        reasons = reason[mask] if isinstance(reason, pd.Series) else reason
        self.lines.append(
            pd.DataFrame(
                {
                    "row": self._rows.index[mask].to_numpy(),
                    "patient": self._rows.loc[mask, ID_COLUMN].to_numpy(),
                    "column": header,
                    "value": self._rows.loc[mask, name].to_numpy() if name in self._rows else "",
                    "reason": reasons if isinstance(reasons, str) else (f"{header}: " + reasons).to_numpy(),
                }
            )
        )
        self.bad |= mask

    def table(self) -> pd.DataFrame:
        if not self.lines:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in REFUSED_COLUMNS})
        table = pd.concat(self.lines, ignore_index=True)
        return table.sort_values(["row", "column"], kind="stable", ignore_index=True)[REFUSED_COLUMNS]


def _contacts(
    rows: pd.DataFrame,
    mapping: dict[str, str],
    recorded_by: str,
    today: date,
    known: Mapping[str, str | None] | None,
    day_first: bool | None,
    rows_read: int,
    not_called: int,
) -> ContactsFile:
    refusals = _Refusals(rows, mapping)
    header = mapping.get(ID_COLUMN, ID_COLUMN)
    ids = rows[ID_COLUMN]
    refusals.add(ids == "", ID_COLUMN, f"{header} is empty: whom was this contact with?")
    refusals.add(ids.str.startswith("="), ID_COLUMN, f"{header} holds a formula, not a patient identifier")
    refusals.add(ids.str.len() > TEXT_LIMIT, ID_COLUMN, f"{header} is longer than {TEXT_LIMIT} characters")
    if known is not None:
        unknown = (ids != "") & ~ids.isin(list(known))
        refusals.add(unknown, ID_COLUMN, "this patient is not in the patient list on screen (check the identifier)")
    outcomes = rows[OUTCOME].map(outcome_of)
    refusals.add(outcomes.isna(), OUTCOME, f"{mapping[OUTCOME]} must be {ACCEPTED_WORDS}")
    days, ambiguous = _dates(rows, mapping, today, day_first, refusals)
    defaults = {ACTION: DEFAULT_ACTION, CONTACTED_BY: recorded_by, NOTE: ""}
    texts = {name: _text(rows, name, default) for name, default in defaults.items()}
    for name in (ACTION, CONTACTED_BY):
        too_long = texts[name].str.len() > TEXT_LIMIT
        refusals.add(too_long, name, f"{mapping.get(name, name)} is longer than {TEXT_LIMIT} characters")
    refusals.add(texts[NOTE].str.len() > NOTE_LIMIT, NOTE, f"the note is longer than {NOTE_LIMIT:,} characters")
    good = ~refusals.bad
    kept = pd.DataFrame({"patient": ids, "day": days, "outcome": outcomes, **texts})[good]
    repeated = kept.duplicated(["patient", "day", "outcome"])
    contacts = [
        NewContact(
            patient_id=row.patient,
            contact_date=row.day,
            action=row.action,
            contacted_by=row.contacted_by,
            outcome=row.outcome,
            note=row.note,
            site_id=None if known is None else known.get(row.patient),
        )
        for row in kept[~repeated].itertuples(index=False)
    ]
    return ContactsFile(
        contacts, refusals.table(), dict(mapping), rows_read, not_called, int(repeated.sum()), ambiguous
    )


def _text(rows: pd.DataFrame, name: str, default: str) -> pd.Series:
    """The column's cells, with ``default`` where the column is missing or a cell is blank."""
    if name not in rows:
        return pd.Series(default, index=rows.index, dtype=object)
    return rows[name].where(rows[name] != "", default).astype(object)


def _dates(
    rows: pd.DataFrame, mapping: dict[str, str], today: date, day_first: bool | None, refusals: _Refusals
) -> tuple[pd.Series, tuple[str, ...]]:
    """Each row's contact day (today where the file gives none); bad and future dates are refused."""
    if CONTACT_DATE not in rows:
        return pd.Series([today] * len(rows), index=rows.index, dtype=object), ()
    parsed = parse_dates(rows[CONTACT_DATE], day_first=day_first)
    refusals.add(parsed.bad, CONTACT_DATE, parsed.reasons)
    days = pd.Series(
        [today if pd.isna(stamp) else pd.Timestamp(stamp).date() for stamp in parsed.dates],
        index=rows.index,
        dtype=object,
    )
    future = pd.Series(np.array([d > today for d in days], dtype=bool), index=rows.index) & ~parsed.bad
    header = mapping[CONTACT_DATE]
    refusals.add(
        future, CONTACT_DATE, f"{header} is after today ({today.isoformat()}): a contact cannot be planned here"
    )
    return days, parsed.ambiguous
