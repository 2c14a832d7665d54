"""Hostile files are refused with a message, quickly, before they can exhaust memory or time."""

from __future__ import annotations

import io
import multiprocessing
import zipfile

import pandas as pd
import pytest

from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, FileLimitError, check_size
from core.reading.validation import load_cohort
from core.settings import FACTORY_MAX_UPLOAD_MB

HEADER = (
    b"patient_id,age,gender,treatment_group,trial_phase,days_in_trial,visits_completed,last_visit_day,adverse_events"
)
ROW = b"P1,40,F,Active,II,100,5,90,1"
GUARD_SECONDS = 60  # a hang guard, not a speed target: refusals take milliseconds (see bench/)


def _load(data: bytes, filename: str, queue: multiprocessing.Queue) -> None:
    try:
        result = load_cohort(data, filename, CONTRACT, max_upload_mb=FACTORY_MAX_UPLOAD_MB)
        queue.put(("loaded", result.n_read))
    except SchemaError as exc:
        queue.put(("refused", str(exc)))


def refusal(data: bytes, filename: str) -> str:
    """Run load_cohort in a child process under a hang guard; return the refusal message."""
    queue: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_load, args=(data, filename, queue))
    child.start()
    child.join(GUARD_SECONDS)
    if child.is_alive():
        child.kill()
        pytest.fail(f"{filename} was neither read nor refused within {GUARD_SECONDS} s")
    outcome, detail = queue.get(timeout=5)
    assert outcome == "refused", f"{filename} was loaded ({detail} rows) instead of refused"
    return detail


def test_upload_larger_than_the_limit_is_refused():
    data = HEADER + b"\n" + (ROW + b"\n") * ((FACTORY_MAX_UPLOAD_MB * 1024 * 1024) // len(ROW) + 10)
    message = refusal(data, "huge.csv")
    assert f"the limit is {FACTORY_MAX_UPLOAD_MB:,} MB" in message and "huge.csv" in message


def test_size_check_names_the_limit():
    with pytest.raises(FileLimitError, match="limit is 1 MB"):
        check_size(b"x" * (2 * 1024 * 1024), "two.csv", max_mb=1)


def test_a_million_columns_is_refused_before_parsing():
    data = b",".join(f"c{i}".encode() for i in range(1_000_000)) + b"\n" + b"1," * 999_999 + b"1\n"
    message = refusal(data, "wide.csv")
    assert "1,000,000 columns" in message and f"limit is {MAX_COLUMNS:,}" in message


def test_a_ten_megabyte_cell_is_refused():
    data = HEADER + b",note\n" + ROW + b"," + b"A" * (10 * 1024 * 1024) + b"\n"
    message = refusal(data, "long_cell.csv")
    assert "line 2" in message and "characters long" in message


def test_a_long_cell_under_the_line_limit_is_refused_after_reading():
    data = HEADER + b",note\n" + ROW + b"," + b"A" * (MAX_CELL_CHARS + 1) + b"\n"
    message = refusal(data, "cell.csv")
    assert "'note'" in message and f"{MAX_CELL_CHARS + 1:,} characters" in message


def test_too_many_rows_is_refused_without_parsing():
    data = HEADER + b"\n" + b"\n" * (MAX_ROWS + 5)
    assert f"limit is {MAX_ROWS:,} patients" in refusal(data, "rows.csv")


def _xlsx_with_sheet(sheet_xml_chunks, declared_ref: str | None = None) -> bytes:
    """A minimal xlsx zip whose first sheet is the given XML (written in chunks, compressed)."""
    buffer = io.BytesIO()
    base = io.BytesIO()
    pd.DataFrame({"patient_id": ["P1"]}).to_excel(base, index=False)
    with zipfile.ZipFile(base) as template, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in template.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with out.open(item.filename, "w") as sheet:
                    if declared_ref:
                        sheet.write(f'<worksheet><dimension ref="{declared_ref}"/>'.encode())
                    for chunk in sheet_xml_chunks:
                        sheet.write(chunk)
            else:
                out.writestr(item, template.read(item.filename))
    return buffer.getvalue()


def test_a_zip_bomb_xlsx_is_refused_from_its_directory():
    bomb = _xlsx_with_sheet(b"<row/>" * (1024 * 1024) for _ in range(8))  # 48 MB that compresses ~1000x
    assert len(bomb) < 1024 * 1024
    message = refusal(bomb, "bomb.xlsx")
    assert "expands to" in message and "was not opened" in message


def test_xlsx_declaring_too_many_columns_is_refused():
    wide = _xlsx_with_sheet([b"</worksheet>"], declared_ref="A1:ZZZ2")
    assert "columns; the limit" in refusal(wide, "wide.xlsx")


def test_xlsx_declaring_too_many_rows_is_refused():
    tall = _xlsx_with_sheet([b"</worksheet>"], declared_ref=f"A1:J{MAX_ROWS + 10}")
    assert "patients per file" in refusal(tall, "tall.xlsx")


def test_an_ordinary_file_is_still_read():
    result = load_cohort(HEADER + b"\n" + ROW + b"\n", "ok.csv", CONTRACT)
    assert result.n_read == 1 and len(result.valid) == 1
