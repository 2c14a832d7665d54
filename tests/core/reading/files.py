"""Messy-file builders shared by the core.reading tests (bytes built in memory, as an upload arrives)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

import openpyxl
import pandas as pd

from core.reading.contract import CONTRACT
from core.reading.rules import PROBLEM_COLUMNS
from core.reading.validation import SOURCE_ROW, ValidationResult

HEADER = list(CONTRACT.required)
FRIENDLY = {
    "patient_id": "Patient ID",
    "age": "Age",
    "gender": "Sex",
    "treatment_group": "Arm",
    "trial_phase": "Phase",
    "days_in_trial": "Days in study",
    "visits_completed": "Visits",
    "last_visit_day": "Last visit",
    "adverse_events": "AE count",
}


def make_row(pid: str, **overrides: object) -> dict[str, str]:
    """One patient as cells of text; a valid row unless overridden."""
    row = {
        "patient_id": pid,
        "age": "45",
        "gender": "Male",
        "treatment_group": "Active",
        "trial_phase": "Phase II",
        "days_in_trial": "100",
        "visits_completed": "4",
        "last_visit_day": "90",
        "adverse_events": "0",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def make_csv(
    rows: list[dict[str, str]],
    header: list[str] | None = None,
    sep: str = ",",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    """CSV bytes; ``header`` lists the keys of each row in order (renamed via FRIENDLY-style dicts elsewhere)."""
    header = header or list(rows[0])
    lines = [sep.join(header)] + [sep.join(row.get(c, "") for c in header) for row in rows]
    return (newline.join(lines) + newline).encode(encoding)


def make_xlsx(rows: list[list[object]], merged: Iterable[str] = ()) -> bytes:
    """An .xlsx workbook holding ``rows`` (first row = header); Python numbers are stored as numbers.

    ``merged`` lists ranges ("A2:A5") merged as Excel does: only the top-left cell keeps its value.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet_xml(chunks: Iterable[bytes]) -> bytes:
    """A workbook whose first sheet's XML is ``chunks`` exactly (streamed into the zip, quickly compressed)."""
    base = io.BytesIO()
    pd.DataFrame({"patient_id": ["P1"]}).to_excel(base, index=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(base) as template, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in template.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with out.open(item.filename, "w") as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                out.writestr(item, template.read(item.filename))
    return buffer.getvalue()


def accounted(result: ValidationResult) -> ValidationResult:
    """Every row read is either valid or has problems, never both."""
    valid_rows = set(result.valid[SOURCE_ROW])
    bad_rows = set(result.problems["row"])
    assert result.n_read == len(result.valid) + result.n_invalid_rows
    assert not valid_rows & bad_rows
    assert len(valid_rows) == len(result.valid)  # source rows are unique
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    return result


def problem_keys(result: ValidationResult) -> set[tuple[int, str, str]]:
    """(row, patient, contract field) of each problem; the user's header is checked where it matters."""
    return {
        (int(r), str(p), str(c)) for r, p, c in result.problems[["row", "patient_id", "field"]].itertuples(index=False)
    }


CLEAN = [
    make_row(
        "007",
        age=18,
        gender="Female",
        treatment_group="Placebo",
        trial_phase="Phase I",
        days_in_trial=1,
        visits_completed=0,
        last_visit_day=0,
    ),
    make_row(
        "P-002",
        age=100,
        gender="Other",
        treatment_group="Control",
        trial_phase="Phase III",
        days_in_trial=2000,
        last_visit_day=2000,
        adverse_events=7,
    ),
    make_row("P-003"),
]


def row_line(pid: str, sep: str = ",", **overrides: object) -> str:
    """One patient as a line of text (no line break)."""
    return sep.join(make_row(pid, **overrides).values())


def reasons_by_row(result: ValidationResult) -> dict[int, list[str]]:
    """Row number -> its reasons, in order."""
    grouped: dict[int, list[str]] = {}
    for row, reason in result.problems[["row", "reason"]].itertuples(index=False):
        grouped.setdefault(int(row), []).append(str(reason))
    return grouped
