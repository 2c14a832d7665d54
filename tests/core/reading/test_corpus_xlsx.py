"""Cohort files as coordinators have them: Excel workbooks. Merged cells apply to every cell they cover,
titles sit above the header, and a sheet of more than a million rows is refused from its XML, before
parsing, whatever its dimension tag says.

Every workbook is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.limits import MAX_ROWS
from core.reading.sheet_xml import first_sheet, scan_sheet
from core.reading.validation import SOURCE_ROW, load_cohort
from core.reading.xlsx import read_xlsx_cells
from tests.core.reading.files import HEADER, accounted, make_row, make_xlsx, problem_keys, xlsx_with_sheet_xml

SHEET = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _cells(pid: str, **overrides: object) -> list[object]:
    return list(make_row(pid, **overrides).values())


# ---------------------------------------------------------------- merged cells


def test_a_site_merged_down_a_column_belongs_to_every_patient_beside_it():
    rows = [[*HEADER, "Site"]] + [[*_cells(f"P{i}"), "S01" if i == 1 else None] for i in range(1, 5)]
    rows.append([*_cells("P5"), "S02"])
    result = accounted(load_cohort(make_xlsx(rows, merged=["J2:J5"]), "sites.xlsx", CONTRACT))
    assert result.valid["site_id"].tolist() == ["S01", "S01", "S01", "S01", "S02"]


def test_a_merged_block_fills_every_row_and_column_it_covers():
    rows = [[*HEADER, "Nurse", "Backup"]] + [[*_cells(f"P{i}"), None, None] for i in (1, 2, 3)]
    rows[1][3], rows[1][4], rows[1][9] = "Placebo", "III", "Ann"  # Excel keeps only each range's top-left value
    merged = ["D2:D4", "E2:E4", "J2:K3"]
    result = accounted(load_cohort(make_xlsx(rows, merged=merged), "block.xlsx", CONTRACT))
    assert result.valid["treatment_group"].tolist() == ["Placebo"] * 3
    assert result.valid["trial_phase"].tolist() == ["Phase III"] * 3
    assert result.valid[["Nurse", "Backup"]].values.tolist() == [["Ann", "Ann"], ["Ann", "Ann"], ["", ""]]


def test_a_merged_title_above_the_header_is_skipped_and_rows_keep_the_sheets_numbers():
    rows = [["Weekly export – Trial ABC"], ["Exported 2026-11-30"], [], HEADER, _cells("P1"), _cells("P2", age=17)]
    result = accounted(load_cohort(make_xlsx(rows, merged=["A1:I1"]), "titled.xlsx", CONTRACT))
    assert result.valid[[SOURCE_ROW, "patient_id"]].values.tolist() == [[5, "P1"]]
    assert problem_keys(result) == {(6, "P2", "age")}


def test_a_sheet_starting_below_and_right_of_a1_keeps_its_row_numbers():
    book_rows = [[None, None], [None, None, *HEADER], [None, None, *_cells("P1", age=101)]]
    result = accounted(load_cohort(make_xlsx(book_rows), "offset.xlsx", CONTRACT))
    assert problem_keys(result) == {(3, "P1", "age")}


def test_merged_ranges_reaching_past_the_data_are_cut_to_it():
    rows = [[*HEADER, "note"], [*_cells("P1"), "x"]]
    result = accounted(load_cohort(make_xlsx(rows, merged=["J2:K40"]), "wide.xlsx", CONTRACT))
    assert result.valid["note"].tolist() == ["x"] and result.n_read == 1


# ---------------------------------------------------------------- rows counted from the sheet's XML


def _rows_xml(count: int, declared: str | None = None, prefix: str = ""):
    """A sheet of ``count`` one-cell rows, written in chunks, with an optional (wrong) dimension tag."""
    p = prefix.encode()
    yield SHEET.replace(b"<worksheet", b"<" + p + b"worksheet") if p else SHEET
    if declared:
        yield b'<%sdimension ref="%s"/>' % (p, declared.encode())
    yield b"<%ssheetData>" % p
    for start in range(1, count + 1, 20_000):
        yield b"".join(
            b'<%srow r="%d"><%sc r="A%d" t="inlineStr"><%sis><%st>P%d</%st></%sis></%sc></%srow>'
            % (p, i, p, i, p, p, i, p, p, p, p)
            for i in range(start, min(count, start + 19_999) + 1)
        )
    yield b"</%ssheetData></%sworksheet>" % (p, p)


@pytest.mark.parametrize("declared", [None, "A1:I2"])  # no dimension tag, or one that lies
def test_a_sheet_of_more_than_a_million_rows_is_refused_before_parsing(monkeypatch, declared):
    data = xlsx_with_sheet_xml(_rows_xml(MAX_ROWS + 5, declared))

    def parse(*args, **kwargs):
        raise AssertionError("the sheet was parsed before its rows were counted")

    monkeypatch.setattr(pd, "read_excel", parse)
    with pytest.raises(SchemaError) as caught:
        load_cohort(data, "tall.xlsx", CONTRACT)
    assert f"the limit is {MAX_ROWS:,} patients per file" in str(caught.value)
    assert "tall.xlsx has " in str(caught.value)


def _scan(data: bytes, chunk_size: int, limit: int = MAX_ROWS):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = first_sheet(archive)
        assert path is not None
        return scan_sheet(archive, path, limit, chunk_size)


@pytest.mark.parametrize("chunk_size", [7, 64, 1000, 1 << 20])
@pytest.mark.parametrize("prefix", ["", "x:"])
def test_rows_and_merges_are_counted_right_across_chunk_boundaries(chunk_size, prefix):
    p = prefix.encode()
    merges = b'<%smergeCells count="2"><%smergeCell ref="A2:A5"/><%smergeCell ref="B7:C9"/></%smergeCells>' % (
        p,
        p,
        p,
        p,
    )
    chunks = list(_rows_xml(250, prefix=prefix))
    chunks[-1] = chunks[-1].replace(b"</%ssheetData>" % p, b"</%ssheetData>" % p + merges)
    scan = _scan(xlsx_with_sheet_xml(chunks), chunk_size)
    assert scan.rows == 250 and not scan.over_limit
    assert scan.merged == [(2, 1, 5, 1), (7, 2, 9, 3)]


def test_the_scan_stops_once_past_the_limit():
    scan = _scan(xlsx_with_sheet_xml(_rows_xml(5_000)), 1000, limit=100)
    assert scan.over_limit and 100 < scan.rows < 5_000


def test_a_row_numbered_far_down_counts_as_that_many_rows():
    chunks = [SHEET, b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>patient_id</t></is></c></row>']
    chunks.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>P1</t></is></c></row>' % (MAX_ROWS + 9, MAX_ROWS + 9))
    chunks.append(b"</sheetData></worksheet>")
    with pytest.raises(SchemaError, match="patients per file"):
        load_cohort(xlsx_with_sheet_xml(chunks), "sparse.xlsx", CONTRACT)


def test_the_first_sheet_is_the_workbooks_first_not_the_first_file_name():
    book = io.BytesIO()
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame([make_row("FIRST")]).to_excel(writer, sheet_name="Patients", index=False)
        pd.DataFrame([make_row("SECOND")]).to_excel(writer, sheet_name="Old", index=False)
    data = book.getvalue()
    assert load_cohort(data, "two.xlsx", CONTRACT).valid["patient_id"].tolist() == ["FIRST"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert first_sheet(archive) == "xl/worksheets/sheet1.xml"


# ---------------------------------------------------------------- formulas and control characters


def test_a_formula_with_no_saved_value_is_a_problem_for_its_row_and_every_other_row_is_scored():
    # openpyxl writes formulas without a saved value, as any script does; Excel would have saved one
    rows = [HEADER, _cells("P1"), _cells("P2", adverse_events="=SUM(1,2)"), _cells("P3"), _cells("P4", age="=40+1")]
    result = accounted(load_cohort(make_xlsx(rows), "scripted.xlsx", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P1", "P3"]
    found = result.problems[["row", "patient_id", "column", "reason"]].values.tolist()
    reason = "this cell holds a formula with no saved value: open the file in Excel and save it"
    assert [r[:3] for r in found] == [[3, "P2", HEADER[8]], [5, "P4", HEADER[1]]]
    assert {r[3] for r in found} == {reason}


def test_formula_cells_with_a_saved_value_are_read_as_that_value():
    cell = b'<c r="B2"><f>40+2</f><v>42</v></c>'
    saved = _formula_scan([b'<sheetData><row r="2">', cell, b"</row></sheetData></worksheet>"], 4096)
    unsaved = _formula_scan([b'<sheetData><row r="2"><c r="B2"><f>40+2</f></c></row></sheetData></worksheet>'], 4096)
    assert saved == [] and unsaved == [(2, 2)]


@pytest.mark.parametrize("chunk_size", [7, 64, 1 << 20])
def test_unsaved_formulas_are_found_across_chunk_boundaries(chunk_size):
    cells = [f'<row r="{r}"><c r="A{r}" t="s"><v>1</v></c><c r="C{r}"><f>A{r}*2</f></c></row>' for r in range(2, 40)]
    found = _formula_scan([b"<sheetData>", "".join(cells).encode(), b"</sheetData></worksheet>"], chunk_size)
    assert found == [(r, 3) for r in range(2, 40)]


def _formula_scan(parts: list[bytes], chunk_size: int) -> list[tuple[int, int]]:
    data = xlsx_with_sheet_xml([SHEET, *parts])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return scan_sheet(archive, first_sheet(archive) or "", MAX_ROWS, chunk_size).unsaved_formulas


def test_a_vertical_tab_inside_a_cell_becomes_a_space_not_glue():
    # Excel writes a line break inside a cell as an escaped vertical tab
    cells = b'<c r="A1" t="inlineStr"><is><t>Note</t></is></c>'
    note = b'<c r="A2" t="inlineStr"><is><t>line_x000B_break</t></is></c>'
    rows = b'<sheetData><row r="1">' + cells + b'</row><row r="2">' + note + b"</row></sheetData></worksheet>"
    assert read_xlsx_cells(xlsx_with_sheet_xml([SHEET, rows]), "notes.xlsx").iloc[1, 0] == "line break"
