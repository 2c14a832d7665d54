"""core.audit: one line per event, hashed patient ids, safe under concurrent writers, tolerant reader."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest

from core.trust.audit import AuditError, AuditLog, activity_by_day, activity_summary, read_events


def test_each_event_is_one_json_line_with_hashed_ids(tmp_path):
    audit = AuditLog.open(tmp_path, None)
    audit.record("cohort_scored", patient_ids=["SUBJ-001", "SUBJ-002"], n_patients=2, threshold=0.3)
    audit.record("export_flagged", patient_ids=["SUBJ-001"], n_patients=1)
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["event"] == "cohort_scored" and first["n_patients"] == 2 and first["threshold"] == 0.3
    assert first["patients"] == [audit.pseudonym("SUBJ-001"), audit.pseudonym("SUBJ-002")]
    assert "SUBJ-00" not in (tmp_path / "audit.jsonl").read_text()


def test_salt_is_made_once_kept_private_and_reused(tmp_path):
    first = AuditLog.open(tmp_path, None)
    second = AuditLog.open(tmp_path, None)
    assert first.salt == second.salt and len(first.salt) == 64
    assert oct(os.stat(tmp_path / "audit_salt").st_mode)[-3:] == "600"
    assert first.pseudonym("X") == second.pseudonym("X")


def test_configured_salt_changes_the_pseudonyms(tmp_path):
    own = AuditLog.open(tmp_path / "a", "deployment-salt")
    other = AuditLog.open(tmp_path / "b", "another-salt")
    assert own.pseudonym("P1") != other.pseudonym("P1")
    assert not (tmp_path / "a" / "audit_salt").exists()


def test_a_failed_write_raises(tmp_path):
    audit = AuditLog.open(tmp_path, None)
    (tmp_path / "audit.jsonl").mkdir()  # a folder where the file should be: the write fails
    with pytest.raises(AuditError, match="could not be written"):
        audit.record("cohort_scored")


def test_an_unusable_folder_raises(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(AuditError, match="cannot be used"):
        AuditLog.open(tmp_path / "file" / "logs", None)


def _writer(directory: str, worker: int, count: int) -> None:
    audit = AuditLog.open(directory, None)
    for i in range(count):
        audit.record(
            "patient_assessed", patient_ids=[f"W{worker}-{i}"], n_patients=1, worker=worker, i=i, padding="x" * 3000
        )  # long lines: an unlocked, split write would interleave


def test_concurrent_writers_lose_no_line(tmp_path):
    workers, count = 6, 150
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_writer, args=(str(tmp_path), w, count)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    events, skipped = read_events(tmp_path / "audit.jsonl")
    assert skipped == 0 and len(events) == workers * count
    assert set(zip(events["worker"], events["i"], strict=True)) == {
        (w, i) for w in range(workers) for i in range(count)
    }


def test_corrupt_lines_are_skipped_and_counted(tmp_path):
    audit = AuditLog.open(tmp_path, None)
    audit.record("cohort_scored", n_patients=10)
    with open(tmp_path / "audit.jsonl", "a") as handle:
        handle.write('{"event": "half a line\n')
        handle.write("not json at all\n")
        handle.write('["a list"]\n')
    audit.record("cohort_scored", n_patients=5)
    events, skipped = read_events(tmp_path / "audit.jsonl")
    assert len(events) == 2 and skipped == 3


def test_activity_totals_and_days():
    events = pd.DataFrame(
        {
            "time": pd.to_datetime(["2026-11-20T10:00Z", "2026-11-20T11:00Z", "2026-11-21T09:00Z"], utc=True),
            "event": ["cohort_scored", "export_flagged", "patient_assessed"],
            "n_patients": [100, 30, 1],
            "n_flagged": [30, None, 1],
            "mean_probability": [0.2, None, 0.9],
        }
    )
    summary = activity_summary(events)
    assert summary["events"] == 3 and summary["patients_scored"] == 101
    assert summary["flagged_rate"] == pytest.approx(31 / 101)
    assert summary["mean_probability"] == pytest.approx((0.2 * 100 + 0.9) / 101)
    assert summary["last_activity"] == pd.Timestamp("2026-11-21T09:00Z")
    days = activity_by_day(events)
    assert days.iloc[0]["day"] == "2026-11-21" and days["events"].sum() == 3


def test_empty_log_has_empty_activity(tmp_path):
    events, skipped = read_events(tmp_path / "missing.jsonl")
    assert events.empty and skipped == 0
    assert activity_summary(events)["events"] == 0


def _open_and_report(directory: str, queue) -> None:
    queue.put(AuditLog.open(Path(directory), None).salt)


@pytest.mark.parametrize("run", range(20))
def test_twelve_processes_starting_together_read_one_complete_salt(tmp_path, run):
    """The salt is created atomically: nobody reads it half-written or empty."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_open_and_report, args=(str(tmp_path), queue)) for _ in range(12)]
    for worker in workers:
        worker.start()
    salts = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert len(set(salts)) == 1 and len(salts[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["audit_salt"]  # no temporary file left behind
