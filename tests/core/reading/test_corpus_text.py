"""Cohort files as coordinators have them: text files. Mixed and wide encodings, every kind of line break,
title rows above the header, rows with a cell too many, control characters and markup inside cells.

Every file is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from core.reading import tables
from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.limits import MAX_LINE_BYTES, MAX_ROWS
from core.reading.validation import SOURCE_ROW, load_cohort
from tests.core.reading.files import CLEAN, HEADER, accounted, make_csv, make_row, problem_keys, row_line

ROWS = [make_row("P1"), make_row("P2", age=17), make_row("P3")]


def _text(lines: list[str], newline: str = "\n") -> str:
    return newline.join(lines) + newline


def _plain() -> pd.DataFrame:
    return load_cohort(make_csv(ROWS), "plain.csv", CONTRACT).valid


# ---------------------------------------------------------------- encodings


def test_a_utf8_file_with_one_windows_1252_row_reads_every_line_right():
    utf8 = make_csv([{**make_row("ZÜR-1"), "note": "Zürich – café"}, {**make_row("P2"), "note": "naïve ✓"}])
    pasted = (row_line("GEN-3") + ",Genève – 12 €\n").encode("cp1252")
    result = accounted(load_cohort(utf8 + pasted, "mixed.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["ZÜR-1", "P2", "GEN-3"]
    assert result.valid["note"].tolist() == ["Zürich – café", "naïve ✓", "Genève – 12 €"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be-with-bom"])
def test_excel_unicode_text_utf16_tab_delimited_is_read(codec):
    rows = [{**make_row("PAT-é1"), "note": "Hôpital"}, {**make_row("PAT-2", age=17), "note": "ok"}]
    text = make_csv(rows, sep="\t", newline="\r\n").decode()
    data = text.encode("utf-16") if codec == "utf-16" else b"\xfe\xff" + text.encode("utf-16-be")
    assert b"\x00" in data[:10]  # really wide: every other byte of the Latin text is zero
    result = accounted(load_cohort(data, "unicode.txt", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["PAT-é1"]
    assert result.valid["note"].tolist() == ["Hôpital"]
    assert problem_keys(result) == {(3, "PAT-2", "age")}


def test_wide_text_in_other_scripts_is_text_not_binary():
    rows = [{**make_row("東京-1"), "site": "大阪 – 第二病院"}, {**make_row("Αθήνα-2"), "site": "Київ"}]
    data = make_csv(rows, sep="\t").decode().encode("utf-16")
    result = accounted(load_cohort(data, "intl.txt", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["東京-1", "Αθήνα-2"]
    assert result.valid["site_id"].tolist() == ["大阪 – 第二病院", "Київ"]


def test_utf16_without_a_byte_order_mark_is_recognised():
    data = make_csv(ROWS, sep="\t").decode().encode("utf-16-le")
    result = accounted(load_cohort(data, "nobom.txt", CONTRACT))
    pd.testing.assert_frame_equal(result.valid, _plain())


def test_utf8_with_bom_and_latin1_still_read():
    assert load_cohort(b"\xef\xbb\xbf" + make_csv(ROWS), "bom.csv", CONTRACT).mapping["patient_id"] == "patient_id"
    latin = make_csv([make_row("Hôpital-1")], encoding="latin-1")
    assert load_cohort(latin, "latin.csv", CONTRACT).valid["patient_id"].tolist() == ["Hôpital-1"]


# ---------------------------------------------------------------- line breaks and the limits that count them


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_every_kind_of_line_break_reads_the_same(newline):
    result = accounted(load_cohort(make_csv(ROWS, newline=newline), "mac.csv", CONTRACT))
    pd.testing.assert_frame_equal(result.valid, _plain())
    assert problem_keys(result) == {(3, "P2", "age")}


def test_mixed_line_breaks_read_the_same():
    text = ",".join(HEADER) + "\r\n" + row_line("P1") + "\r" + row_line("P2", age=17) + "\n" + row_line("P3") + "\r\n"
    result = accounted(load_cohort(text.encode(), "mixed.csv", CONTRACT))
    pd.testing.assert_frame_equal(result.valid, _plain())


def test_a_cr_only_file_is_not_mistaken_for_one_very_wide_line():
    many = [make_row(f"P{i}") for i in range(700)]
    result = accounted(load_cohort(make_csv(many, newline="\r"), "mac.csv", CONTRACT))
    assert result.n_read == 700 and len(result.valid) == 700


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_the_row_limit_counts_cr_and_crlf_rows(newline):
    data = (",".join(HEADER) + newline).encode() + newline.encode() * (MAX_ROWS + 5)
    with pytest.raises(SchemaError, match=f"limit is {MAX_ROWS:,} patients"):
        load_cohort(data, "rows.csv", CONTRACT)


def test_the_row_limit_counts_utf16_rows():
    data = ((",".join(HEADER) + "\r\n") + "\r\n" * (MAX_ROWS + 5)).encode("utf-16")
    with pytest.raises(SchemaError, match=f"limit is {MAX_ROWS:,} patients"):
        load_cohort(data, "rows.txt", CONTRACT)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_the_line_length_limit_names_the_right_line_whatever_the_line_breaks(newline):
    lines = [",".join([*HEADER, "note"]), row_line("P1") + ",ok", row_line("P2") + "," + "A" * (MAX_LINE_BYTES + 1)]
    with pytest.raises(SchemaError) as caught:
        load_cohort(_text(lines, newline).encode(), "long.csv", CONTRACT)
    assert f"line 3 is {len(lines[2]):,} characters long" in str(caught.value)


# ---------------------------------------------------------------- title rows above the header


TITLES = ["Weekly export – Trial ABC", "Exported 2026-11-30", ""]


@pytest.mark.parametrize("title_cells", ["", ",,,,,,,,"])  # Excel writes a title row with empty cells after it
def test_title_rows_are_skipped_and_row_numbers_stay_the_spreadsheets(title_cells):
    lines = [t + title_cells for t in TITLES] + [
        ",".join(HEADER),
        row_line("P1"),
        row_line("P2", age=17),
        row_line("P3"),
    ]
    result = accounted(load_cohort(_text(lines).encode(), "export.csv", CONTRACT))
    assert result.mapping == {c: c for c in HEADER}
    assert result.valid[SOURCE_ROW].tolist() == [5, 7]  # the header is row 4 of the sheet
    assert problem_keys(result) == {(6, "P2", "age")}
    assert result.rejected["row"].tolist() == [6]
    assert result.rejected.loc[0, "patient_id"] == "P2"


def test_leading_blank_lines_count_as_rows():
    data = b"\r\n\r\n" + make_csv(ROWS, sep=";", newline="\r\n")
    result = accounted(load_cohort(data, "blank.csv", CONTRACT))
    assert result.valid[SOURCE_ROW].tolist() == [4, 6]
    assert problem_keys(result) == {(5, "P2", "age")}


def test_excels_separator_line_is_not_a_row():
    data = b"sep=;\r\n" + make_csv(ROWS, sep=";", newline="\r\n")
    result = accounted(load_cohort(data, "excel.csv", CONTRACT))
    assert problem_keys(result) == {(3, "P2", "age")}  # Excel hides the line: P2 is on row 3 there


def test_a_header_cell_with_a_line_break_is_one_header():
    header = ",".join(HEADER).replace("last_visit_day", '"Last visit\n(study day)"')
    result = accounted(
        load_cohort(_text([header, row_line("P1"), row_line("P2", age=17)]).encode(), "tall.csv", CONTRACT)
    )
    assert result.mapping["last_visit_day"] == "Last visit\n(study day)"
    assert problem_keys(result) == {(3, "P2", "age")}  # one row per record, as a spreadsheet shows it


def test_a_title_row_with_a_delimiter_is_still_not_the_header():
    lines = ["Trial ABC; site 12", ";".join(HEADER), row_line("P1", sep=";")]
    result = accounted(load_cohort(_text(lines).encode(), "eu.csv", CONTRACT))
    assert result.valid[SOURCE_ROW].tolist() == [3]


def test_without_a_recognisable_header_the_first_filled_row_is_the_header():
    lines = ["", "Client ref,Years", "C-9,45"]
    with pytest.raises(SchemaError) as caught:
        load_cohort(_text(lines).encode(), "custom.csv", CONTRACT)
    assert 'Columns found: "Client ref", "Years"' in str(caught.value)


def test_a_hand_made_mapping_finds_its_header_below_a_title():
    rows = [{("Client ref" if k == "patient_id" else k): v for k, v in make_row("C-9").items()}]
    data = b"Export of 30 Nov\n" + make_csv(rows)
    mapping = {c: c for c in HEADER} | {"patient_id": "Client ref"}
    result = accounted(load_cohort(data, "custom.csv", CONTRACT, mapping))
    assert result.valid[["patient_id", SOURCE_ROW]].values.tolist() == [["C-9", 3]]


# ---------------------------------------------------------------- rows with a cell too many or too few


def test_a_row_with_one_extra_cell_is_one_problem_and_every_other_row_is_read():
    lines = [",".join(HEADER)] + [row_line(f"P{i}") for i in range(1, 16)]
    lines[13] += ",moved to site 4"  # row 14 of the sheet
    result = accounted(load_cohort(_text(lines).encode(), "extra.csv", CONTRACT))
    assert len(result.valid) == 14 and "P13" not in result.valid["patient_id"].tolist()
    problem = result.problems.iloc[0]
    assert len(result.problems) == 1
    assert (problem["row"], problem["patient_id"], problem["value"]) == (14, "P13", "moved to site 4")
    assert problem["reason"].startswith("row 14 has 10 cells but the header has 9 columns")
    rejected = result.rejected.iloc[0]
    assert rejected["row"] == 14 and rejected["patient_id"] == "P13"
    assert rejected["(beyond the header, column J)"] == "moved to site 4"  # kept with its cells


def test_rows_with_several_extra_cells_take_the_slow_path_alone(monkeypatch):
    calls = []
    slow = tables._parse_slowly
    monkeypatch.setattr(tables, "_parse_slowly", lambda *a: calls.append(1) or slow(*a))
    clean = load_cohort(make_csv(CLEAN), "clean.csv", CONTRACT)
    assert calls == [] and len(clean.valid) == 3  # a well-formed file stays on the C parser
    lines = [",".join(HEADER), row_line("P1"), row_line("P2") + ",a,b,c", row_line("P3") + ",,,"]
    result = accounted(load_cohort(_text(lines).encode(), "ragged.csv", CONTRACT))
    assert calls == [1]
    assert result.valid["patient_id"].tolist() == ["P1", "P3"]  # trailing empty cells are ignored
    assert result.problems["reason"].str.startswith("row 3 has 12 cells but the header has 9 columns").tolist() == [
        True
    ]
    assert result.problems.loc[0, "value"] == "a,b,c"


def test_a_delimiter_at_the_end_of_data_rows_is_ignored():
    lines = [",".join(HEADER), row_line("P1") + ",", row_line("P2") + ","]
    result = accounted(load_cohort(_text(lines).encode(), "trailing.csv", CONTRACT))
    assert result.problems.empty and result.extra_columns == []


def test_short_rows_read_their_missing_cells_as_empty():
    short_ae = ",".join(list(make_row("P2").values())[:-1])  # no adverse events cell: may be blank
    short_last = ",".join(list(make_row("P3").values())[:-2])  # no last visit either: must be filled
    lines = [",".join(HEADER), row_line("P1"), short_ae, short_last]
    result = accounted(load_cohort(_text(lines).encode(), "short.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P1", "P2"]
    assert result.valid["adverse_events"].isna().tolist() == [False, True]
    assert problem_keys(result) == {(4, "P3", "last_visit_day")}


# ---------------------------------------------------------------- control characters and markup


def test_control_characters_are_removed_from_the_values_and_nothing_is_logged(caplog):
    rows = [make_row("A\x0717"), make_row("B\x082", treatment_group="Act\x01ive"), make_row("C\x1b3")]
    with caplog.at_level(logging.DEBUG):
        result = accounted(load_cohort(make_csv(rows), "ctrl.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["A17", "B2", "C3"]
    assert result.valid["treatment_group"].tolist() == ["Active"] * 3
    assert not any("A17" in r.getMessage() or "\x07" in r.getMessage() for r in caplog.records)


def test_a_vertical_tab_or_form_feed_inside_a_cell_becomes_a_space():
    rows = [{**make_row("P1"), "note": "line\x0bbreak"}, {**make_row("P2"), "note": "page\x0cfeed"}]
    result = accounted(load_cohort(make_csv(rows), "notes.csv", CONTRACT))
    assert result.valid["note"].tolist() == ["line break", "page feed"]


def test_a_text_file_with_a_few_nul_bytes_in_cells_is_still_text():
    data = make_csv([{**make_row(f"P{i}"), "note": "ok"} for i in range(3)]).replace(b",ok\n", b",o\x00k\n", 2)
    data = data.replace(b"P1", b"P\x001")
    result = accounted(load_cohort(data, "nul.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P0", "P1", "P2"]
    assert result.valid["note"].tolist() == ["ok", "ok", "ok"]


HOSTILE = ["![x](http://evil/a.png)", "<img src=x onerror=alert(1)>", "**bold** _it_ [link](javascript:x)"]


def test_markdown_and_html_come_through_as_plain_unchanged_text():
    rows = [{**make_row(text), HOSTILE[1]: text} for text in HOSTILE]
    rows.append({**make_row(HOSTILE[0] + "!", age=17), HOSTILE[1]: HOSTILE[2]})
    data = make_csv([{k: f'"{v}"' if "," in v else v for k, v in row.items()} for row in rows])
    result = accounted(load_cohort(data, "markup.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == HOSTILE
    assert result.valid[HOSTILE[1]].tolist() == HOSTILE  # a header full of markup is kept as written
    assert result.extra_columns == [HOSTILE[1]]
    assert result.problems["patient_id"].tolist() == [HOSTILE[0] + "!"]
    assert result.rejected.loc[0, HOSTILE[1]] == HOSTILE[2]


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"\xff\xfe" + bytes(range(256)) * 16, "Upload a CSV or .xlsx export"),  # a wide mark on binary data
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "save it as .xlsx or CSV"),  # an old .xls workbook
    ],
)
def test_binary_files_are_still_refused_after_the_wide_text_check(data, hint):
    with pytest.raises(SchemaError, match="not a text or Excel file") as caught:
        load_cohort(data, "scan.csv", CONTRACT)
    assert hint in str(caught.value)


def test_random_bytes_behind_a_wide_byte_order_mark_are_binary():
    data = b"\xff\xfe" + np.random.default_rng(3).bytes(8192)
    with pytest.raises(SchemaError, match="not a text or Excel file"):
        load_cohort(data, "scan.csv", CONTRACT)
