"""core.export: CSV and Excel bytes that are safe to open in a spreadsheet, and what produced them.

Hostile cells follow OWASP's CSV-injection guidance: a text cell or header
starting with =, +, -, @, tab or carriage return gets a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.decisions.policy import TIERED, Policy
from core.output.export import csv_bytes, export_file_name, export_metadata, neutralise, xlsx_bytes

HOSTILE = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://evil.example","click")']
HARMLESS = ["Müller", "a=b", "x-1", "", "call on Monday", "5 + 5"]
NOW = datetime(2026, 11, 27, 14, 30, 5, tzinfo=UTC)


def _frame() -> pd.DataFrame:
    """Text with hostile and harmless cells, numbers (some negative), bools, and missing values."""
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "patient_id": [f"P-{i}" for i in range(n)],
            "note": HOSTILE,
            "harmless": (HARMLESS + ["ok"] * n)[:n],
            "probability": np.linspace(0.91, 0.12, n),
            "count": np.arange(-3, n - 3, dtype="int64"),
            "nullable": pd.array([1, None, -4, 5, 6, 7, 8], dtype="Int64"),
            "consented": [True, False] * 3 + [True],
            "maybe_text": ["=bad", None, "fine", np.nan, "-x", "y", "z"],
        }
    )


def _xlsx_cells(data: bytes) -> dict[str, list[list[openpyxl.cell.cell.Cell]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in book.worksheets}


# ---------------------------------------------------------------- neutralise


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_prefixes_text_that_could_run_as_a_formula(value):
    safe = neutralise(pd.DataFrame({"note": [value, "plain"]}))
    assert safe["note"].tolist() == ["'" + value, "plain"]


@pytest.mark.parametrize("value", HARMLESS)
def test_neutralise_leaves_other_text_alone(value):
    assert neutralise(pd.DataFrame({"note": [value]}))["note"].tolist() == [value]


def test_neutralise_prefixes_hostile_headers_only():
    frame = pd.DataFrame({"=cmd": ["a"], "-minus": ["b"], "@at": ["c"], "+plus": ["d"], "fine": ["e"]})
    assert neutralise(frame).columns.tolist() == ["'=cmd", "'-minus", "'@at", "'+plus", "fine"]


def test_neutralise_keeps_numbers_bools_and_missing_values():
    frame = _frame()
    safe = neutralise(frame)
    for column in ("probability", "count", "nullable", "consented"):
        assert safe[column].dtype == frame[column].dtype, column
        pd.testing.assert_series_equal(safe[column], frame[column])
    assert safe["count"].min() == -3  # a negative number is a number, not a formula
    assert safe["maybe_text"].isna().tolist() == frame["maybe_text"].isna().tolist()
    assert safe["maybe_text"].tolist()[::2] == ["'=bad", "fine", "'-x", "z"]


def test_neutralise_returns_a_copy():
    frame = _frame()
    neutralise(frame)
    assert frame["note"].tolist() == HOSTILE


def test_neutralise_leaves_numbers_inside_a_mixed_text_column():
    safe = neutralise(pd.DataFrame({"mixed": ["=x", -5, 2.5, True, None]}, dtype=object))
    assert safe["mixed"].tolist()[:4] == ["'=x", -5, 2.5, True]
    assert safe["mixed"].iloc[4] is None


# ---------------------------------------------------------------- CSV


def test_csv_starts_with_a_utf8_bom_and_round_trips_with_pandas():
    frame = _frame()
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert back.columns.tolist() == frame.columns.tolist()
    assert back["patient_id"].tolist() == frame["patient_id"].tolist()
    np.testing.assert_allclose(back["probability"], frame["probability"])
    assert back["count"].tolist() == frame["count"].tolist()
    assert pd.api.types.is_float_dtype(back["probability"]) and pd.api.types.is_integer_dtype(back["count"])
    assert back["nullable"].isna().tolist() == frame["nullable"].isna().tolist()
    assert back["consented"].tolist() == frame["consented"].tolist()
    assert back["note"].tolist() == ["'" + v for v in HOSTILE]
    assert back["harmless"].iloc[0] == "Müller"


def test_csv_header_lines_come_first_and_can_be_skipped():
    frame = _frame()
    lines = ["Exported at (UTC): 2026-11-27 14:30:05", "Decision threshold: 0.10", "=evil()"]
    data = csv_bytes(frame, lines)
    text = data.decode("utf-8-sig")
    top = text.splitlines()[: len(lines)]
    assert top[:2] == [f"# {line}" for line in lines[:2]]
    assert top[2] == "# '=evil()"
    for reader in ({"skiprows": len(lines)}, {"comment": "#"}):
        back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", **reader)
        assert back.columns.tolist() == frame.columns.tolist(), reader
        assert len(back) == len(frame)
        np.testing.assert_allclose(back["probability"], frame["probability"])


def test_csv_header_line_with_a_comma_stays_in_one_cell():
    """A spreadsheet splits a line on commas: "Cost: 5,000" must not become "Cost: 5" and "000"."""
    data = csv_bytes(_frame(), ["Cost per dropout ($): 5,000.00", "plain"])
    rows = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", header=None, nrows=2, usecols=[0], names=["cell"])
    assert rows["cell"].tolist() == ["# Cost per dropout ($): 5,000.00", "# plain"]


def test_csv_hostile_header_is_prefixed():
    back = pd.read_csv(io.BytesIO(csv_bytes(pd.DataFrame({"=SUM(A1)": ["x"], "ok": [1]}))), encoding="utf-8-sig")
    assert back.columns.tolist() == ["'=SUM(A1)", "ok"]


# ---------------------------------------------------------------- Excel


def test_xlsx_holds_no_formula_even_for_hostile_cells():
    frame = _frame()
    about = pd.DataFrame({"setting": ["note", "=1+1"], "value": ['=HYPERLINK("http://x","y")', "-1"]})
    sheets = _xlsx_cells(xlsx_bytes({"Flagged patients": frame, "About this export": about}))
    assert list(sheets) == ["Flagged patients", "About this export"]
    cells = [cell for rows in sheets.values() for row in rows for cell in row]
    assert len(cells) == (len(frame) + 1) * frame.shape[1] + 3 * 2
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_xlsx_prefixes_hostile_text_and_keeps_numbers_numeric():
    frame = _frame()
    rows = _xlsx_cells(xlsx_bytes({"Flagged patients": frame}))["Flagged patients"]
    header = [cell.value for cell in rows[0]]
    assert header == frame.columns.tolist()
    body = {name: [row[i] for row in rows[1:]] for i, name in enumerate(header)}
    # XML stores a bare carriage return as a line feed; the apostrophe in front is what matters.
    assert [c.value for c in body["note"]] == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" for c in body["note"])
    for column in ("probability", "count"):
        assert all(c.data_type == "n" for c in body[column]), column
        np.testing.assert_allclose([c.value for c in body[column]], frame[column].to_numpy())
    assert [c.value for c in body["nullable"]] == [1, None, -4, 5, 6, 7, 8]
    assert [c.data_type for c in body["consented"]] == ["b"] * len(frame)
    assert body["harmless"][0].value == "Müller"


def test_xlsx_trims_long_sheet_names_to_excels_limit():
    sheets = _xlsx_cells(xlsx_bytes({"A" * 40: pd.DataFrame({"x": [1]})}))
    assert list(sheets) == ["A" * 31]


# ---------------------------------------------------------------- names and metadata


@pytest.mark.parametrize(
    "policy,text",
    [
        (Policy(0.1, None, FACTORY_COSTS, FACTORY_BANDS), "threshold-0.10"),
        (Policy(0.355, 40, FACTORY_COSTS, FACTORY_BANDS), "threshold-0.35_capacity-40"),
        (Policy(1.0, None, FACTORY_COSTS, FACTORY_BANDS, TIERED), "threshold-1.00_tiered"),
    ],
)
def test_export_file_name_carries_date_threshold_capacity_and_plan(policy, text):
    assert export_file_name("flagged_patients", policy, NOW, "xlsx") == f"flagged_patients_2026-11-27_{text}.xlsx"


def test_export_metadata_records_data_model_policy_and_time(bundle):
    policy = Policy(0.27, 40, CostSettings(750.0, 12500.0, 0.6), FACTORY_BANDS, TIERED)
    meta = dict(export_metadata(bundle, policy, NOW, "week48.csv", "12 flagged patients"))
    assert meta["Model version"] == bundle.version
    assert meta["Model SHA-256"] == bundle.sha256
    assert meta["Decision threshold"] == "0.27"
    assert meta["Cost per contact ($)"] == "750.00"
    assert meta["Cost per dropout ($)"] == "12,500.00"
    assert meta["Contact effectiveness"] == "60.0%"
    assert meta["Staff capacity"] == "40 patients"
    assert meta["Outreach plan"] == policy.describe() and "band" in meta["Outreach plan"]
    assert meta["Patients from"] == "week48.csv" and meta["Rows in this export"] == "12 flagged patients"
    assert meta["Exported at (UTC)"] == "2026-11-27 14:30:05"
    assert meta["Model trained on"] == ("synthetic data" if bundle.synthetic else "real trial data")


def test_export_metadata_says_when_there_is_no_capacity_limit(bundle):
    meta = dict(export_metadata(bundle, Policy(0.1, None, FACTORY_COSTS, FACTORY_BANDS), NOW, "f.csv", "1"))
    assert meta["Staff capacity"] == "no limit"
    assert meta["Contact effectiveness"] == "100.0%"
