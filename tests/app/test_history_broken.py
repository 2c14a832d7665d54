"""The Cohort page's history path never shows a traceback: a broken history gets a plain message instead."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from app import state
from core.history.contracts import HISTORY
from tests.app.conftest import open_page, shown
from tests.corpus.exports_base import ctn_tables

PYTHON_WORDS = ("Traceback", "KeyError", "ValueError", "TypeError", "IndexError", "AttributeError", "NoneType")


def _small() -> dict[str, pd.DataFrame]:
    """Thirty CTN-0030 patients and their visits, as plain tables."""
    tables = ctn_tables()
    subjects = tables["subjects"].head(30)
    visits = tables["visits"][tables["visits"]["patient_id"].isin(subjects["patient_id"])]
    return {"subjects": subjects, "visits": visits}


def _csv(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes, str]]:
    return [(f"{name}.csv", frame.to_csv(index=False).encode(), "text/csv") for name, frame in tables.items()]


def _workbook(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes, str]]:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name.capitalize(), index=False)
    return [("history.xlsx", buffer.getvalue(), "application/vnd.ms-excel")]


def _without(table: str, column: str) -> list[tuple[str, bytes, str]]:
    tables = _small()
    tables[table] = tables[table].drop(columns=column)
    return _csv(tables)


def _future() -> list[tuple[str, bytes, str]]:
    tables = _small()
    tables["subjects"]["enrolment_date"] = "2099-01-01"
    return _csv(tables)


def _visits_before_enrolment() -> list[tuple[str, bytes, str]]:
    tables = _small()
    tables["visits"]["visit_date"] = "2010-01-01"
    return _csv(tables)


BROKEN = {
    "empty files": lambda: [("subjects.csv", b"", "text/csv"), ("visits.csv", b"", "text/csv")],
    "header-only sheets": lambda: _workbook({name: frame.head(0) for name, frame in _small().items()}),
    "header-only files": lambda: _csv({name: frame.head(0) for name, frame in _small().items()}),
    "binary": lambda: [
        ("subjects.csv", bytes(range(256)) * 8, "text/csv"),
        ("visits.csv", b"\x00\xff" * 99, "text/csv"),
    ],
    "a broken workbook": lambda: [("history.xlsx", b"PK\x03\x04 not really a workbook", "application/zip")],
    "wrong tables": lambda: [
        ("prices.csv", b"item,price\napple,1\npear,2\n", "text/csv"),
        ("stock.csv", b"item,count\napple,10\n", "text/csv"),
    ],
    "dates in the future": _future,
    "visits before enrolment": _visits_before_enrolment,
    "every patient refused": lambda: _csv({**_small(), "subjects": _small()["subjects"].assign(age="old")}),
}
for _table in ("subjects", "visits"):
    for _column in HISTORY.tables[_table].columns:
        if _column.field.required:
            BROKEN[f"{_table} without {_column.name}"] = lambda t=_table, c=_column.name: _without(t, c)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_history_gets_a_plain_message_never_a_traceback(case):
    at = open_page("cohort")
    at.file_uploader(key="cohort_upload").set_value(BROKEN[case]()).run()
    assert not at.exception, [e.value for e in at.exception]
    said = [shown(e.value) for e in at.error] + [shown(w.value) for w in at.warning]
    if state.COHORT in at.session_state and len(at.session_state[state.COHORT].scored):
        # the usable patients are scored; the page says, per table, how many rows were set aside and why
        assert any("rows were set aside. Why:" in shown(m.value) for m in at.markdown), case
        return
    assert said, f"{case}: nothing said"
    assert not any(word in text for text in said for word in PYTHON_WORDS), said
