"""The Cohort page's history path: the Match columns panel, and exports of the corpus (tests/corpus) read and scored."""

from __future__ import annotations

import pandas as pd
import pytest

from app import state
from app.views.history import _not_used
from core.history.as_of import default_as_of, patients_in_study
from core.history.reader import read_history
from tests.app.conftest import open_page, shown
from tests.corpus.exports_base import Export, ctn_tables
from tests.corpus.history_exports import LAYOUTS, PLAIN


def _upload(at, files: dict[str, bytes]):
    chosen = [(name, data, "application/octet-stream") for name, data in files.items()]
    return at.file_uploader(key="cohort_upload").set_value(chosen).run()


def _errors(at) -> list[str]:
    """The page's error messages, but the drift banner (these real trials differ from the model's patients)."""
    return [shown(e.value) for e in at.error if e.icon != ":material/compare_arrows:"]


def _scored(at) -> str:
    return {m.label: m.value for m in at.metric}["Patients scored"]


def _picker(at, table: str, field: str):
    [box] = [s for s in at.selectbox if (s.key or "").endswith(f"_{table}_{field}")]
    return box


def _small_files(**renames: str) -> dict[str, bytes]:
    tables = ctn_tables()
    subjects = tables["subjects"].head(40)
    visits = tables["visits"][tables["visits"]["patient_id"].isin(subjects["patient_id"])]
    subjects = subjects.rename(columns=renames)
    subjects["Notes"] = "x"
    return {"subjects.csv": subjects.to_csv(index=False).encode(), "visits.csv": visits.to_csv(index=False).encode()}


def test_the_panel_shows_each_tables_matching_and_the_headers_left_unmatched():
    at = _upload(open_page("cohort"), _small_files(patient_id="Subject Number"))
    assert not at.exception and not _errors(at)
    assert [shown(e.label) for e in at.expander if e.label.startswith(("Subjects:", "Visits:"))] == [
        "Subjects: subjects.csv",
        "Visits: visits.csv",
    ]
    text = "\n".join(shown(m.value) for m in at.markdown)
    assert "Patient ID ← “Subject Number”" in text and "Headers left unmatched: “Notes”" in text
    assert _picker(at, "subjects", "patient_id").value == "Subject Number"
    assert _picker(at, "subjects", "site_id").options[0] == "(none)"  # optional: may be left out
    assert "Notes" in _picker(at, "subjects", "site_id").options  # every header of the table is offered


def test_a_column_the_reader_could_not_match_is_chosen_by_the_user_and_remembered_for_the_trial():
    files = _small_files(patient_id="Subj", age="Yrs")
    at = _upload(open_page("cohort"), files)
    assert not at.exception
    assert any("has no column for" in e for e in _errors(at))
    assert _picker(at, "subjects", "age").value is None  # required and not found: the user says which
    _picker(at, "subjects", "patient_id").set_value("Subj")
    _picker(at, "subjects", "age").set_value("Yrs")
    at.button(key="history_apply_columns").click().run()
    assert not at.exception and not _errors(at)
    assert state.COHORT in at.session_state and len(at.session_state[state.COHORT].scored)
    remembered = at.session_state[state.HISTORY_COLUMNS]["subjects, visits"]
    assert remembered["subjects"]["patient_id"] == "Subj" and remembered["subjects"]["age"] == "Yrs"
    at.button(key="load_demo").click().run()  # another cohort, then the same trial again:
    assert state.HISTORY not in at.session_state
    at = _upload(at, dict(reversed(files.items())) | files)  # read with the user's matching at once
    assert not at.exception and not _errors(at)
    assert at.session_state[state.HISTORY].columns == remembered


def test_the_rows_set_aside_are_listed_under_the_users_own_header():
    files = _small_files(status="Subject Status")
    frame = pd.read_csv(pd.io.common.BytesIO(files["subjects.csv"]), dtype=str, keep_default_na=False)
    frame.loc[0, "age"] = "old"
    at = _upload(open_page("cohort"), {**files, "subjects.csv": frame.to_csv(index=False).encode()})
    assert not at.exception
    history = at.session_state[state.HISTORY].history
    rows = _not_used(history.report)
    assert list(rows.columns) == ["table", "row", "patient_id", "column", "value", "reason"]
    assert rows.iloc[0][["table", "row", "column", "value"]].tolist() == ["subjects", 2, "age", "old"]
    assert any("1 row was set aside. Why:" in shown(m.value) for m in at.markdown)
    assert "Download the rows set aside (CSV)" in [d.label for d in at.download_button]


@pytest.mark.parametrize("name", ["ctn_ctms", "ctn_unicode_text", "ctn_title_day_first", "cdisc_workbook"])
def test_an_export_in_a_real_systems_layout_is_scored_on_the_page(name, tmp_path):
    export: Export = LAYOUTS[name](tmp_path / name)
    plain = read_history(LAYOUTS[PLAIN[export.trial]](tmp_path / "plain").files())
    at = _upload(open_page("cohort"), export.files())
    if at.radio and any(r.key == "history_day_first" for r in at.radio):
        at.radio(key="history_day_first").set_value("day first (31/12/2024)").run()
    assert not at.exception and not _errors(at), _errors(at)
    date, _ = default_as_of(plain)
    assert _scored(at) == f"{patients_in_study(plain, date):,}"


def test_the_matching_is_saved_in_the_store_and_used_by_the_next_session():
    files = _small_files(patient_id="Subj")
    at = _upload(open_page("cohort"), files)
    _picker(at, "subjects", "patient_id").set_value("Subj")
    at.button(key="history_apply_columns").click().run()
    assert not at.exception and not _errors(at)
    later = _upload(open_page("cohort"), files)  # another browser session, the same database
    assert not later.exception and not _errors(later)
    assert later.session_state[state.HISTORY].columns["subjects"]["patient_id"] == "Subj"
    assert len(later.session_state[state.COHORT].scored)
