"""Cohort page: messy uploads get the right counts or one clear message, never a traceback.

Each file is built in memory and dropped into the page's uploader; expected numbers come from
core.schema and core.cli.score on the same bytes.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from app import state
from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import Policy
from core.outreach.call_list import call_list
from core.paths import DEMO_COHORT_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.scoring.scores import score_frame
from tests.app.conftest import open_page, shown

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GENERIC_FAILURE = "Something went wrong"  # app/main.py's message when a page raises
FRIENDLY = {
    "patient_id": "Patient ID",
    "gender": "Sex",
    "treatment_group": "Arm",
    "adverse_events": "AE count",
    "site_id": "Site",
    "trial_phase": "Phase",
    "days_in_trial": "Days in study",
}


def _demo(n: int) -> pd.DataFrame:
    """The first n demo patients as text cells (all valid)."""
    return pd.read_csv(DEMO_COHORT_PATH, dtype=str, keep_default_na=False).head(n)


def _csv(frame: pd.DataFrame, sep: str = ",", encoding: str = "utf-8", lineterminator: str = "\n") -> bytes:
    return frame.to_csv(index=False, sep=sep, lineterminator=lineterminator).encode(encoding)


def _upload(at, name: str, data: bytes, mime: str = CSV):
    at.file_uploader(key="cohort_upload").set_value([(name, data, mime)])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if GENERIC_FAILURE in e.value]
    return at


def _metrics(at) -> dict[str, int]:
    """The metrics that are plain counts (the headline's "407 of 500" and dollars are not)."""
    values = {m.label: m.value.replace(",", "") for m in at.metric}
    return {label: int(value) for label, value in values.items() if value.isdigit()}


def _counts(at) -> tuple[int, int, int]:
    metrics = _metrics(at)
    read, scored, attention = metrics["Rows read"], metrics["Patients scored"], metrics["Rows that need attention"]
    assert read == scored + attention
    assert f"{read:,} rows read = {scored:,} scored + {attention:,} with problems" in " ".join(
        c.value for c in at.caption
    )
    return read, scored, attention


def _table(at) -> pd.DataFrame:
    """The patient table with its probabilities back on 0-1 (the page shows them as 0-100 with one decimal)."""
    table = at.dataframe(key="patient_table").value
    return table.assign(probability=table["probability"] / 100)


def _frame_with(at, column: str) -> pd.DataFrame:
    """The one table on the page with this column (AppTest exposes keys of selectable tables only)."""
    frames = [d.value for d in at.dataframe]
    found = [f for f in frames if column in f.columns]
    assert len(found) == 1, [f.columns.tolist() for f in frames]
    return found[0]


def _assert_scored_like_core(at, data: bytes, name: str, bundle) -> None:
    """The table's patients and probabilities are what core.cli.score gives for the same bytes."""
    expected = score_frame(
        load_cohort(data, name, CONTRACT).valid, bundle, FACTORY_BANDS, bundle.default_threshold
    ).set_index("patient_id")
    table = _table(at).set_index("patient_id")
    assert sorted(table.index) == sorted(expected.index)
    np.testing.assert_allclose(table["probability"], expected.loc[table.index, "probability"])
    assert table["risk_band"].tolist() == expected.loc[table.index, "risk_band"].tolist()


def _assert_demo_loads(at) -> None:
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert not at.error
    assert f"Checking {DEMO_COHORT_PATH.name}" in [shown(s.value) for s in at.subheader]
    assert _counts(at) == (500, 500, 0)


@pytest.fixture
def at():
    return open_page("cohort")


# ---------------------------------------------------------------- the empty page and the demo


def test_page_without_a_cohort_explains_what_to_do(at):
    assert at.file_uploader(key="cohort_upload").label == "Upload this week's patient list, or your trial's history"
    assert any("No cohort loaded yet" in i.value for i in at.info)
    assert not at.metric and not at.error


def test_demo_button_loads_500_patients_with_exports(at, bundle):
    _assert_demo_loads(at)
    assert len(_table(at)) == 500
    labels = [d.label for d in at.download_button]
    assert labels[-4:] == [
        "Download the call list (CSV)",
        "Download the call list (Excel)",
        "Download the week's report (HTML)",
        "Download the week's report (PDF)",
    ]
    assert len(at.get("plotly_chart")) == 3
    _assert_scored_like_core(at, DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle)


def test_band_filter_shows_only_critical_patients(at, bundle):
    _assert_demo_loads(at)
    at.multiselect(key="filter_bands").set_value(["Critical"]).run()
    assert not at.exception
    table = _table(at)
    expected = score_frame(
        load_cohort(DEMO_COHORT_PATH.read_bytes(), "upload.csv", CONTRACT).valid,
        bundle,
        FACTORY_BANDS,
        bundle.default_threshold,
    )
    n_critical = int((expected["risk_band"] == "Critical").sum())
    assert 0 < len(table) == n_critical < 500
    assert set(table["risk_band"]) == {"Critical"}
    assert (table["probability"] >= 0.75).all()
    assert table["probability"].is_monotonic_decreasing


def test_probability_filter_and_flagged_only_narrow_the_table(at):
    _assert_demo_loads(at)
    at.slider(key="filter_probability").set_value((0.4, 0.6)).run()
    table = _table(at)
    assert 0 < len(table) < 500
    assert table["probability"].between(0.4, 0.6).all()
    at.slider(key="filter_probability").set_value((0.0, 1.0)).run()
    at.checkbox(key="filter_flagged").check().run()
    table = _table(at)
    threshold = at.session_state[state.THRESHOLD]
    assert table["flagged"].all() and (table["probability"] >= threshold).all()
    assert len(table) == int((at.session_state[state.COHORT].probability >= threshold).sum())


def test_demo_button_replaces_an_uploaded_cohort(at):
    """A file left in the uploader must not win over the demo the user just asked for."""
    data = _csv(_demo(30))
    _upload(at, "week48.csv", data)
    assert _counts(at) == (30, 30, 0)
    _assert_demo_loads(at)
    at.run()  # a later rerun keeps the demo
    assert f"Checking {DEMO_COHORT_PATH.name}" in [shown(s.value) for s in at.subheader]
    _upload(at, "week49.csv", _csv(_demo(12)))  # a new file replaces the demo
    assert _counts(at) == (12, 12, 0)


# ---------------------------------------------------------------- messy files that work


def test_excel_style_csv_with_bom_semicolons_and_crlf(at, bundle):
    frame = _demo(25)
    data = b"\xef\xbb\xbf" + _csv(frame, sep=";", lineterminator="\r\n")
    _upload(at, "export.csv", data)
    assert _counts(at) == (25, 25, 0)
    assert not at.error
    _assert_scored_like_core(at, data, "export.csv", bundle)
    assert "patient_id" in _table(at) and _table(at)["patient_id"].str.startswith("D").all()


def test_friendly_headers_are_matched(at, bundle):
    frame = _demo(20).rename(columns=FRIENDLY)
    data = _csv(frame)
    _upload(at, "friendly.csv", data)
    assert _counts(at) == (20, 20, 0)
    mapping = _frame_with(at, "needed").set_index("needed")["your column"]
    for canonical, header in FRIENDLY.items():
        assert mapping[canonical] == header
    _assert_scored_like_core(at, data, "friendly.csv", bundle)


def test_lower_case_and_numbered_categories_are_understood(at, bundle):
    frame = _demo(24)
    phases = ["phase 2", "III", "phase i", "Phase 3", "2", "ii"]
    frame["trial_phase"] = [phases[i % len(phases)] for i in range(len(frame))]
    frame["gender"] = frame["gender"].map({"Male": "m", "Female": "FEMALE", "Other": "other"})
    frame["treatment_group"] = frame["treatment_group"].str.lower()
    data = _csv(frame)
    _upload(at, "lower.csv", data)
    assert _counts(at) == (24, 24, 0)
    table = _table(at).set_index("patient_id").loc[frame["patient_id"]]
    assert table["trial_phase"].tolist()[:6] == [
        "Phase II",
        "Phase III",
        "Phase I",
        "Phase III",
        "Phase II",
        "Phase II",
    ]
    assert set(table["gender"]) <= {"Male", "Female", "Other"}
    assert set(table["treatment_group"]) <= {"Active", "Control", "Placebo"}
    _assert_scored_like_core(at, data, "lower.csv", bundle)


def test_latin1_text_is_read(at):
    frame = _demo(15)
    frame["site_id"] = ["Zürich-01", "Köln-02", "Besançon-03"] * 5
    frame["Prüfer"] = ["Dr. Müller"] * 15
    _upload(at, "latin1.csv", _csv(frame, sep=";", encoding="latin-1"))
    assert _counts(at) == (15, 15, 0)
    table = _table(at)
    assert set(table["site_id"]) == {"Zürich-01", "Köln-02", "Besançon-03"}
    assert (table["Prüfer"] == "Dr. Müller").all()
    sites = _frame_with(at, "mean_risk")
    assert sorted(sites["site"]) == sorted({"Zürich-01", "Köln-02", "Besançon-03"})
    assert sites["patients"].tolist() == [5, 5, 5]


def test_xlsx_upload_is_scored(at, bundle):
    frame = _demo(18)
    numeric = ["age", "days_in_trial", "visits_completed", "last_visit_day", "adverse_events"]
    frame[numeric] = frame[numeric].astype(int)  # real numbers in the cells, as Excel saves them
    buffer = io.BytesIO()
    frame.rename(columns=FRIENDLY).to_excel(buffer, index=False, sheet_name="Patients")
    data = buffer.getvalue()
    _upload(at, "cohort.xlsx", data, XLSX)
    assert _counts(at) == (18, 18, 0)
    _assert_scored_like_core(at, data, "cohort.xlsx", bundle)


def test_extra_columns_reach_the_table_and_the_export(at, bundle):
    frame = _demo(40)
    frame["Coordinator"] = [f"Nurse {i % 4}" for i in range(40)]
    frame["Notes"] = ['=HYPERLINK("http://x")' if i == 0 else f"note {i}" for i in range(40)]
    _upload(at, "extras.csv", _csv(frame))
    assert _counts(at) == (40, 40, 0)
    table = _table(at).set_index("patient_id").loc[frame["patient_id"]]
    assert table["Coordinator"].tolist() == frame["Coordinator"].tolist()
    assert table["Notes"].tolist() == frame["Notes"].tolist()
    assert "Carried through unchanged: Coordinator, Notes" in [shown(c.value) for c in at.caption]
    cohort = at.session_state[state.COHORT]
    flagged = Policy.at(at.session_state[state.THRESHOLD], None).flagged(cohort.probability)
    policy = Policy(at.session_state[state.THRESHOLD], None, FACTORY_COSTS, FACTORY_BANDS)
    export = call_list(cohort, flagged, flagged, policy, bundle)
    assert export.columns.tolist()[-2:] == ["Coordinator", "Notes"]
    assert len(export) == int(flagged.sum()) > 0
    by_id = frame.set_index("patient_id")
    assert export["Coordinator"].tolist() == by_id.loc[export["Patient ID"], "Coordinator"].tolist()
    assert [d.label for d in at.download_button][-4:] == [
        "Download the call list (CSV)",
        "Download the call list (Excel)",
        "Download the week's report (HTML)",
        "Download the week's report (PDF)",
    ]


def test_bad_rows_are_listed_and_good_rows_scored(at, bundle):
    frame = _demo(30)
    broken = {
        3: ("age", "12"),
        7: ("treatment_group", "Active/Placebo"),  # any phase is read now (one the model does not know is a gap)
        11: ("days_in_trial", "abc"),
        15: ("last_visit_day", "5000"),
        20: ("gender", "x"),  # a blank gender is allowed now (Field.may_be_blank)
    }
    for i, (column, value) in broken.items():
        frame.loc[i, column] = value
    frame.loc[25, "patient_id"] = frame.loc[24, "patient_id"]  # a duplicated id: both rows need attention
    data = _csv(frame)
    _upload(at, "mixed.csv", data)
    assert _counts(at) == (30, 23, 7)
    problems = _frame_with(at, "reason")
    bad_rows = sorted({i + 2 for i in broken} | {26, 27})  # spreadsheet rows: the header is row 1
    assert sorted(problems["row"].unique()) == bad_rows
    assert problems.columns.tolist() == ["row", "patient", "column", "field", "value", "reason"]
    for i, (column, value) in broken.items():
        listed = problems[problems["row"] == i + 2]
        assert set(listed["column"]) == {column} and set(listed["value"]) == {value}
        assert set(listed["patient"]) == {frame.loc[i, "patient_id"]}
    assert (
        len(problems[problems["row"] == 17]) == 2
    )  # 5000 is out of range and after days_in_trial: one row, two reasons
    assert any("Download rows with problems (CSV)" == d.label for d in at.download_button)
    assert any("7 rows were not scored" in w.value for w in at.warning)
    _assert_scored_like_core(at, data, "mixed.csv", bundle)


def test_a_wrong_column_match_can_be_fixed_by_hand(at, bundle):
    """Two equally good id columns: the leftmost ("Subject ID", row numbers) is taken; the user picks "Patient ID"."""
    frame = _demo(16).rename(columns={"patient_id": "Patient ID"})
    frame.insert(0, "Subject ID", [str(i + 1) for i in range(16)])
    _upload(at, "numbered.csv", _csv(frame))
    assert _counts(at) == (16, 16, 0)
    assert sorted(_table(at)["patient_id"]) == sorted(str(i + 1) for i in range(16))
    assert [c.others for c in at.session_state[state.COHORT].result.conflicts] == [("Patient ID",)]
    at.selectbox(key="map_patient_id").set_value("Patient ID")
    at.button(key="apply_mapping").click().run()
    assert not at.exception and not at.error
    assert _counts(at) == (16, 16, 0)
    assert sorted(_table(at)["patient_id"]) == sorted(frame["Patient ID"])
    assert at.session_state[state.COHORT].result.mapping["patient_id"] == "Patient ID"
    at.run()  # the hand-made match survives a rerun with the file still in the uploader
    assert sorted(_table(at)["patient_id"]) == sorted(frame["Patient ID"])


@pytest.mark.parametrize("header,yes,no", [("dropout", "1", "0"), ("Withdrawn", "yes", "no")])
def test_outcome_column_is_recognised(at, header, yes, no):
    frame = _demo(20)
    frame[header] = [yes if i % 4 == 0 else no for i in range(20)]
    _upload(at, "labelled.csv", _csv(frame))
    assert _counts(at) == (20, 20, 0)
    assert len(at.success) == 1
    assert "observed outcomes (dropout) for 20 patients" in at.success[0].value


def test_file_without_outcome_says_nothing_about_outcomes(at):
    _upload(at, "plain.csv", _csv(_demo(10)))
    assert not at.success
