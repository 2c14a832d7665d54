"""core.output.csv_file.csv_bytes: a CSV that Excel and pandas open as it is, with nothing that runs."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from core.output.csv_file import csv_bytes

HOSTILE = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://evil.example","click")']


def _frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "patient_id": [f"P-{i}" for i in range(n)],
            "note": HOSTILE,
            "site_id": ["Zürich", "東京", "São Paulo 🙂", "a, b", 'say "hi"', "two\nlines", "plain"],
            "probability": [0.9123, 0.1, 0.30000000000000004, 1 / 3, 0.0, 1.0, 0.5],
            "count": np.arange(-3, n - 3, dtype="int64"),
            "nullable": pd.array([1, None, -4, 5, 6, 7, 8], dtype="Int64"),
            "consented": [True, False] * 3 + [True],
            "maybe": ["=bad", None, "fine", np.nan, "-x", "y", "z"],
        }
    )


def _rows(data: bytes) -> list[list[str]]:
    """The file as Python's csv module reads it: exact text of every cell."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_bom_then_the_header_on_the_first_line_and_crlf_line_ends():
    frame = _frame()
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert _rows(data)[0] == frame.columns.tolist()
    assert data.count(b"\r\n") == len(frame) + 1  # one per record; the cell's own line break stays "\n"
    assert data.endswith(b"\r\n")


def test_round_trip_with_pandas_gives_the_same_values():
    frame = _frame()
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig")
    assert back.columns.tolist() == frame.columns.tolist()
    assert back["patient_id"].tolist() == frame["patient_id"].tolist()
    assert back["site_id"].tolist() == frame["site_id"].tolist()
    np.testing.assert_array_equal(back["probability"], frame["probability"])  # exact: shortest round-trip decimals
    assert back["count"].tolist() == frame["count"].tolist()
    assert back["nullable"].isna().tolist() == frame["nullable"].isna().tolist()
    assert back["nullable"].dropna().tolist() == frame["nullable"].dropna().tolist()
    assert back["consented"].tolist() == frame["consented"].tolist()
    assert back["maybe"].isna().tolist() == frame["maybe"].isna().tolist()


def test_hostile_cells_and_headers_get_an_apostrophe_and_numbers_do_not():
    frame = _frame().rename(columns={"note": "=SUM(A1)", "count": "-count"})
    rows = _rows(csv_bytes(frame))
    assert rows[0][1] == "'=SUM(A1)" and rows[0][4] == "'-count"
    assert [row[1] for row in rows[1:]] == ["'" + v for v in HOSTILE]
    assert [row[4] for row in rows[1:]] == [str(v) for v in frame["-count"]]  # -3 stays a number
    assert [row[7] for row in rows[1:]] == ["'=bad", "", "fine", "", "'-x", "y", "z"]


def test_control_characters_become_spaces_and_the_rest_of_the_text_is_kept():
    frame = pd.DataFrame({"note\x00": ["a\x00b", "tab\tand\nbreak", "bell\x07 \x1b[31m", "\x0b=1", "é\x85ü 日本 🙂"]})
    rows = _rows(csv_bytes(frame))
    assert rows[0] == ["note "]
    assert [row[0] for row in rows[1:]] == ["a b", "tab\tand\nbreak", "bell   [31m", "' =1", "é ü 日本 🙂"]
    assert b"\x00" not in csv_bytes(frame)


def test_missing_values_are_empty_cells_and_infinities_too():
    frame = pd.DataFrame({"x": [1.5, np.nan, np.inf, -np.inf], "s": ["a", None, "b", pd.NA]}, dtype=object)
    rows = _rows(csv_bytes(frame.astype({"x": float})))
    assert [row[0] for row in rows[1:]] == ["1.5", "", "", ""]
    assert [row[1] for row in rows[1:]] == ["a", "", "b", ""]


def test_floats_are_written_at_their_shortest_exact_decimal():
    frame = pd.DataFrame(
        {
            "f64": [0.1, 0.30000000000000004, 1e-7, 123456789.125],
            "f32": np.array([0.1, 0.2, 0.7, 1.5], dtype="float32"),
        }
    )
    rows = _rows(csv_bytes(frame))
    assert [float(row[0]) for row in rows[1:]] == frame["f64"].tolist()
    assert [row[1] for row in rows[1:]] == ["0.1", "0.2", "0.7", "1.5"]  # not 0.10000000149011612
    assert rows[1][0] == "0.1"


def test_dates_and_date_times_are_iso():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-11-27", None]),
            "at": pd.to_datetime(["2026-11-27 14:30:05", "2026-01-02 00:00:00"]),
            "aware": pd.to_datetime(["2026-11-27 14:30:05"] * 2).tz_localize("Europe/Paris"),
            "objects": [dt.date(2026, 11, 27), dt.datetime(2026, 11, 27, 8, 15)],
        }
    )
    rows = _rows(csv_bytes(frame))
    # A column with any time of day shows every time, midnight included, so its values line up.
    assert rows[1] == ["2026-11-27", "2026-11-27 14:30:05", "2026-11-27 14:30:05", "2026-11-27 00:00:00"]
    assert rows[2] == ["", "2026-01-02 00:00:00", "2026-11-27 14:30:05", "2026-11-27 08:15:00"]


def test_categories_time_spans_and_mixed_columns_are_written_not_dropped():
    frame = pd.DataFrame(
        {
            "band": pd.Categorical(["High", None, "Low"]),
            "gap": pd.to_timedelta([1, 2, None], unit="D"),
            "mixed": pd.Series([-5, "-x", True], dtype=object),
        }
    )
    rows = _rows(csv_bytes(frame))
    assert [row[0] for row in rows[1:]] == ["High", "", "Low"]
    assert [row[1] for row in rows[1:]] == ["1 days 00:00:00", "2 days 00:00:00", ""]
    assert [row[2] for row in rows[1:]] == ["-5", "'-x", "true"]  # the number -5 stays a number


def test_an_empty_table_still_has_its_header():
    frame = pd.DataFrame({"patient_id": pd.Series([], dtype="str"), "=p": pd.Series([], dtype=float)})
    data = csv_bytes(frame)
    assert _rows(data) == [["patient_id", "'=p"]]
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").columns.tolist() == ["patient_id", "'=p"]


@pytest.mark.parametrize("index", [pd.RangeIndex(3), pd.Index([10, 5, 7]), pd.Index(["a", "b", "c"])])
def test_the_index_is_not_written_and_rows_keep_their_order(index):
    frame = pd.DataFrame({"v": [3, 1, 2]}, index=index)
    assert _rows(csv_bytes(frame)) == [["v"], ["3"], ["1"], ["2"]]
