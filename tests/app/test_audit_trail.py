"""Audit trail from the app: each scoring event leaves one line, with no raw patient id in logs/."""

from __future__ import annotations

import pytest

from core.trust.audit import read_events
from tests.app.conftest import form_widget, open_page
from tests.app.test_patient_page import PATIENT, _fill_and_assess


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    from app import state
    from core.settings import load_settings

    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path))
    # Outside a script run (the download callables below) there is no session to keep settings in.
    monkeypatch.setattr(state, "settings", load_settings)
    return tmp_path


def _no_raw_ids(folder, ids) -> None:
    for path in folder.iterdir():
        text = path.read_text(errors="replace")
        assert not any(i in text for i in ids), f"raw patient id found in {path.name}"


def test_patient_assessment_is_recorded_once_with_a_hashed_id(log_dir, bundle):
    at = open_page("patient")
    _fill_and_assess(at, {**PATIENT, "patient_id": "SUBJ-4711"})
    form_widget(at, "patient", "age").set_value(30)
    at.button(key="try_changes").click().run()  # a what-if is not a new assessment
    events, skipped = read_events(log_dir / "audit.jsonl")
    assert skipped == 0 and list(events["event"]) == ["patient_assessed"]
    row = events.iloc[0]
    assert row["model_version"] == bundle.version and row["n_patients"] == 1 and len(row["patients"]) == 1
    assert row["threshold"] == pytest.approx(bundle.default_threshold)
    _no_raw_ids(log_dir, ["SUBJ-4711"])


def test_activity_page_shows_the_log_totals(log_dir):
    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    _fill_and_assess(at, {**PATIENT, "patient_id": "P-8"})
    at.switch_page("../pages/activity.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Events"] == "2" and metrics["Patients scored"] == "2"


def test_activity_page_survives_a_corrupt_line(log_dir):
    (log_dir / "audit.jsonl").write_text('{"broken\n')
    at = open_page("activity")
    assert any("could not be read" in w.value for w in at.warning)


def test_a_failed_audit_write_is_shown(log_dir):
    (log_dir / "audit.jsonl").mkdir()
    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    assert any("could not be recorded in the audit trail" in e.value for e in at.error)


def test_an_export_is_recorded_before_the_file_is_handed_over(log_dir, monkeypatch):
    from app.services import audit_trail

    monkeypatch.setattr(audit_trail, "settings_fields", lambda: {"model_version": "v-test", "threshold": 0.2})
    download = audit_trail.audited_download(
        "export_flagged_csv", lambda: b"patient_id\r\nSUBJ-9\r\n", lambda: ["SUBJ-9"], input_sha256="abc"
    )
    assert download() == b"patient_id\r\nSUBJ-9\r\n"
    events, _ = read_events(log_dir / "audit.jsonl")
    row = events.iloc[0]
    assert (row["event"], row["n_patients"], row["threshold"], row["input_sha256"]) == (
        "export_flagged_csv",
        1,
        0.2,
        "abc",
    )
    _no_raw_ids(log_dir, ["SUBJ-9"])


def test_an_export_that_cannot_be_recorded_is_withheld(log_dir, monkeypatch):
    from app.services import audit_trail

    monkeypatch.setattr(audit_trail, "settings_fields", lambda: {})
    (log_dir / "audit.jsonl").mkdir()
    built = []
    download = audit_trail.audited_download(
        "export_flagged_csv", lambda: built.append(1) or b"data", lambda: ["SUBJ-9"]
    )
    content = download().decode()
    assert "Export withheld" in content and "data" not in content.split("\r\n", 1)[1]  # built, but never handed over


def test_cohort_scoring_is_recorded_without_patient_ids(log_dir):
    from core.paths import DEMO_COHORT_PATH

    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    events, _ = read_events(log_dir / "audit.jsonl")
    row = events[events["event"] == "cohort_scored"].iloc[0]
    assert row["n_patients"] == 500 and row["n_rows_read"] == 500 and row["patients"] == []
    import hashlib

    assert row["input_sha256"] == hashlib.sha256(DEMO_COHORT_PATH.read_bytes()).hexdigest()
    ids = DEMO_COHORT_PATH.read_text().splitlines()[1].split(",")[0]
    _no_raw_ids(log_dir, [ids])


def test_an_export_that_fails_to_build_is_not_recorded_as_delivered(log_dir, monkeypatch):
    from app.services import audit_trail

    monkeypatch.setattr(audit_trail, "settings_fields", lambda: {})

    def broken() -> bytes:
        raise ValueError("cannot write a control character")

    content = audit_trail.audited_download("export_flagged_xlsx", broken, lambda: ["SUBJ-9"])().decode()
    assert "could not be made" in content and "SUBJ-9" not in content
    events, _ = read_events(log_dir / "audit.jsonl")
    assert events.empty
