"""core.output.excel.xlsx_bytes: a workbook people can use at once (layout, number formats, types)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from core.output import excel
from core.output.excel import Sheet, xlsx_bytes
from tests.core.output.workbooks import open_book, rows

N = 6


def _flagged() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": [f"P-{i:03d}" for i in range(N)],
            "probability": [0.9123, 0.5, 0.25, 0.1, 0.0456, 0.01],
            "action_cost_usd": [350.0, 350.0, 25.0, 25.0, 0.0, 1234.5],
            "enrolled_on": pd.to_datetime(["2026-01-05", "2025-12-31", None, "2026-02-28", "2024-02-29", "2026-11-27"]),
            "visits": [3, 0, 12, 7, 1, 40],
            "reason_1": ["Long gap since the last visit (45 days)"] * N,
            "consented": [True, False, True, True, False, True],
            "weight_kg": [70.5, np.nan, 81.0, None, 66.25, 90.0],
        }
    )


def _sheet(frame: pd.DataFrame | None = None, name: str = "Flagged patients") -> Sheet:
    return Sheet(
        name,
        _flagged() if frame is None else frame,
        percent_columns=["probability"],
        money_columns=["action_cost_usd"],
        date_columns=["enrolled_on"],
        integer_columns=["visits"],
    )


def _columns(data: bytes, sheet: int = 0):
    """Header text -> the column's data cells (openpyxl Cell objects)."""
    worksheet = open_book(data).worksheets[sheet]
    table = list(worksheet.iter_rows())
    return {head.value: [row[i] for row in table[1:]] for i, head in enumerate(table[0])}


def test_header_row_is_frozen_and_the_filter_covers_header_and_data():
    frame = _flagged()
    worksheet = open_book(xlsx_bytes([_sheet(frame)])).worksheets[0]
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == f"A1:{get_column_letter(frame.shape[1])}{len(frame) + 1}"
    assert [cell.value for cell in worksheet[1]] == frame.columns.tolist()
    assert all(cell.font.b for cell in worksheet[1])


def test_probabilities_show_as_percentages_and_keep_their_value():
    cells = _columns(xlsx_bytes([_sheet()]))["probability"]
    assert [c.number_format for c in cells] == ["0.0%"] * N
    assert [c.value for c in cells] == _flagged()["probability"].tolist()
    assert all(c.data_type == "n" for c in cells)


def test_money_shows_as_dollars():
    cells = _columns(xlsx_bytes([_sheet()]))["action_cost_usd"]
    assert [c.number_format for c in cells] == ["$#,##0.00"] * N
    assert [c.value for c in cells] == _flagged()["action_cost_usd"].tolist()


def test_dates_are_real_dates_with_a_date_format_and_missing_ones_empty():
    cells = _columns(xlsx_bytes([_sheet()]))["enrolled_on"]
    expected = _flagged()["enrolled_on"]
    for cell, value in zip(cells, expected, strict=True):
        if pd.isna(value):
            assert cell.value is None
        else:
            assert cell.is_date and cell.number_format == "yyyy-mm-dd"
            assert cell.value == value.to_pydatetime()


def test_iso_text_and_date_objects_in_a_date_column_become_dates_other_text_stays():
    frame = pd.DataFrame(
        {"day": ["2026-11-27", dt.date(2026, 1, 2), "2026-03-04T10:30:00", "ask the site", None, "1850-06-01"]}
    )
    cells = _columns(xlsx_bytes([Sheet("s", frame, date_columns=["day"])]))["day"]
    assert [c.value for c in cells[:3]] == [
        dt.datetime(2026, 11, 27),
        dt.datetime(2026, 1, 2),
        dt.datetime(2026, 3, 4, 10, 30),
    ]
    assert all(c.is_date for c in cells[:3])
    assert cells[3].value == "ask the site" and cells[4].value is None
    assert cells[5].value == "1850-06-01"  # before Excel's first day: kept as text, not a wrong date


def test_date_times_outside_a_date_column_show_date_and_time():
    frame = pd.DataFrame({"scored_at": pd.to_datetime(["2026-11-27 14:30:05", "2026-11-28 09:00:00"])})
    cells = _columns(xlsx_bytes([Sheet("s", frame)]))["scored_at"]
    assert [c.value for c in cells] == [dt.datetime(2026, 11, 27, 14, 30, 5), dt.datetime(2026, 11, 28, 9)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd hh:mm:ss" for c in cells)


def test_integer_columns_show_whole_numbers():
    frame = pd.DataFrame({"visits": [3.0, np.nan, 12.0], "text_counts": ["4", "5", None], "halves": [1.5, 2.0, 3.0]})
    sheet = Sheet("s", frame, integer_columns=["visits", "text_counts", "halves"])
    cells = _columns(xlsx_bytes([sheet]))
    assert [c.value for c in cells["visits"]] == [3, None, 12]
    assert [c.number_format for c in cells["visits"] if c.value is not None] == ["0", "0"]
    assert [c.value for c in cells["text_counts"]] == [4, 5, None]
    assert all(c.data_type == "n" for c in cells["text_counts"][:2])
    # Not whole: the numbers are kept and shown as they are, not rounded away by the format.
    assert [c.value for c in cells["halves"]] == [1.5, 2, 3]
    assert cells["halves"][0].number_format == "General"


def test_numbers_are_numbers_booleans_booleans_and_missing_values_empty():
    cells = _columns(xlsx_bytes([_sheet()]))
    assert [c.value for c in cells["weight_kg"]] == [70.5, None, 81.0, None, 66.25, 90.0]
    assert all(c.data_type == "n" for c in cells["weight_kg"])
    assert [c.value for c in cells["consented"]] == _flagged()["consented"].tolist()
    assert all(c.data_type == "b" for c in cells["consented"])
    assert [c.value for c in cells["visits"]] == _flagged()["visits"].tolist()


def test_negative_numbers_and_infinities():
    frame = pd.DataFrame({"delta": [-3.5, np.inf, -np.inf, 2.0], "n": pd.array([-1, None, 2, 3], dtype="Int64")})
    cells = _columns(xlsx_bytes([Sheet("s", frame)]))
    assert [c.value for c in cells["delta"]] == [-3.5, None, None, 2]  # a spreadsheet has no infinity
    assert [c.value for c in cells["n"]] == [-1, None, 2, 3]
    assert all(c.data_type == "n" for c in cells["delta"])


def test_categories_time_spans_and_mixed_columns_are_written_not_dropped():
    frame = pd.DataFrame(
        {
            "band": pd.Categorical(["High", None, "Low"]),
            "gap": pd.to_timedelta([1, 2, None], unit="D"),
            "mixed": pd.Series([-5, "-x", True], dtype=object),
        }
    )
    assert rows(xlsx_bytes([Sheet("s", frame)]))[1:] == [
        ["High", "1 days 00:00:00", -5],
        [None, "2 days 00:00:00", "'-x"],
        ["Low", None, True],
    ]


def test_columns_are_sized_to_their_content_and_capped():
    frame = pd.DataFrame(
        {"id": ["P-1", "P-2"], "reason": ["x" * 40, "short"], "essay": ["word " * 200, "w"], "p": [0.1, 0.2]}
    )
    worksheet = open_book(xlsx_bytes([Sheet("s", frame, percent_columns=["p"])])).worksheets[0]
    width = {name: worksheet.column_dimensions[get_column_letter(i + 1)].width for i, name in enumerate(frame.columns)}
    assert width["id"] < width["reason"] < width["essay"]
    assert width["reason"] >= 40  # the 40-character sentence fits
    assert width["essay"] <= 62  # capped (Excel adds a little padding to the stored width)
    assert 6 <= width["p"] < 15


def test_wide_characters_count_double_when_sizing():
    frame = pd.DataFrame({"latin": ["abcdefghijklmnop"], "cjk": ["東京都千代田区丸の内一丁目一番"]})
    worksheet = open_book(xlsx_bytes([Sheet("s", frame)])).worksheets[0]
    assert worksheet.column_dimensions["B"].width > worksheet.column_dimensions["A"].width + 10


def test_an_empty_table_still_writes_a_sheet_with_its_headers():
    frame = _flagged().iloc[:0]
    worksheet = open_book(xlsx_bytes([_sheet(frame)])).worksheets[0]
    assert [cell.value for cell in worksheet[1]] == frame.columns.tolist()
    assert worksheet.max_row == 1
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == f"A1:{get_column_letter(frame.shape[1])}1"


def test_sheet_names_are_made_valid_unique_and_kept_in_order():
    frame = pd.DataFrame({"x": [1]})
    names = ["Flagged: [High]/Medium?", "", "a" * 40, "Data", "DATA", "'quoted'", "History"]
    book = open_book(xlsx_bytes([Sheet(name, frame) for name in names]))
    titles = book.sheetnames
    assert len(titles) == len(names) == len({t.casefold() for t in titles})
    assert all(0 < len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)
    assert titles[0] == "Flagged High Medium"
    assert titles[2] == "a" * 31
    assert titles[3] == "Data" and titles[4].startswith("DATA") and titles[4] != "DATA"
    assert titles[5] == "quoted" and titles[6].casefold() != "history"
    assert all(book[t]["A2"].value == 1 for t in titles)


def test_a_repeated_header_is_kept_and_told_apart():
    frame = pd.DataFrame([[1, 2, 3]], columns=["score", "score", 0])
    assert rows(xlsx_bytes([Sheet("s", frame)]))[0] == ["score", "score (2)", "0"]


def test_a_column_named_for_a_format_must_exist_and_have_one_role():
    with pytest.raises(ValueError, match="probabilty"):
        xlsx_bytes([Sheet("s", _flagged(), percent_columns=["probabilty"])])
    with pytest.raises(ValueError, match="probability"):
        xlsx_bytes([Sheet("s", _flagged(), percent_columns=["probability"], money_columns=["probability"])])
    with pytest.raises(ValueError, match="at least one sheet"):
        xlsx_bytes([])


def test_a_writer_failure_raises_instead_of_returning_an_empty_file(monkeypatch):
    monkeypatch.setattr(excel, "write_worksheets", lambda *args, **kwargs: None)  # writes nothing, says nothing
    with pytest.raises(RuntimeError, match="no workbook"):
        xlsx_bytes([_sheet()])
