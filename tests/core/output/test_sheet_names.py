"""core.output.sheet_names.excel_sheet_names: names Excel accepts, unique, in the order given."""

from __future__ import annotations

import pytest

from core.output.sheet_names import excel_sheet_names


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Flagged patients", "Flagged patients"),
        ("Q1/Q2: [draft]?", "Q1 Q2 draft"),
        ("back\\slash*star", "back slash star"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("   ", "Sheet"),
        ("tab\tand\x00nul", "tab and nul"),
        ("x" * 40, "x" * 31),
    ],
)
def test_a_name_is_made_valid(name, expected):
    assert excel_sheet_names([name]) == [expected]


def test_length_counts_utf16_units_as_excel_does():
    (name,) = excel_sheet_names(["🙂" * 20])
    assert name == "🙂" * 15 and _utf16_units(name) == 30


def test_names_are_unique_ignoring_case_and_avoid_the_reserved_history():
    names = excel_sheet_names(["Data", "data", "DATA", "History", "x" * 40, "x" * 35])
    assert names[:3] == ["Data", "data (2)", "DATA (3)"]
    assert names[3] == "History (2)"
    assert names[4] == "x" * 31 and names[5] == "x" * 27 + " (2)"
    assert all(_utf16_units(n) <= 31 for n in names)
