"""Exports explain themselves: every column of the call list has one line of meaning in its About sheet."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import SINGLE, Policy
from core.outreach.call_list import FROM_FILE_MEANING, call_list, call_list_workbook, column_meanings
from core.reading.contract import ID_COLUMN


@pytest.fixture
def every_column(loaded, bundle) -> pd.DataFrame:
    """A call list with everything a list can hold: the user's own columns and the last contacts."""
    assert loaded.result.extra_columns  # the messy file brings columns of its own
    policy = Policy(0.3, None, FACTORY_COSTS, FACTORY_BANDS, SINGLE)
    flagged = policy.flagged(loaded.curves)
    ids = loaded.scored[ID_COLUMN].astype(str).head(2)
    contacts = pd.DataFrame({ID_COLUMN: ids, "contact_date": ["2026-03-01"] * 2, "outcome": ["reached"] * 2})
    return call_list(loaded, flagged, flagged, policy, bundle, contacts)


def test_every_column_of_the_call_list_has_a_meaning(every_column):
    meanings = dict(column_meanings(every_column))
    assert list(meanings) == [str(c) for c in every_column.columns]
    unexplained = [c for c, meaning in meanings.items() if not meaning.strip()]
    assert not unexplained, f"columns with no meaning line: {unexplained}"
    assert meanings["Not recorded"].startswith("Inputs your file left blank")
    assert [c for c, m in meanings.items() if m == FROM_FILE_MEANING] == every_column.attrs["from_file"]


def test_the_about_sheet_lists_every_column_with_its_meaning(every_column):
    book = load_workbook(io.BytesIO(call_list_workbook(every_column, [("Model version", "test")])))
    about = [(r[0].value, r[1].value) for r in book["About this export"].iter_rows(min_row=2)]
    assert about[0] == ("Model version", "test")
    listed = {setting: value for setting, value in about}
    exported = [cell.value for cell in book["Flagged patients"][1]]
    for header in exported:
        assert listed.get(header), f"the About sheet does not explain {header!r}"


def test_a_column_with_no_known_meaning_is_left_blank_so_the_test_above_catches_it():
    assert column_meanings(pd.DataFrame(columns=["Patient ID", "Something new"])) == [
        ("Patient ID", "The patient's identifier, as in your file."),
        ("Something new", ""),
    ]
