"""Temporal validation: patients enrolled before a date train on what was known before it, the later ones are
tested; no tested patient trains, nothing dated on or after the date reaches the model, the report's ROC AUC is
scikit-learn's on the tested patients' estimates, and a split with too few patients is refused in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.cli import score
from core.cli.history_input import history_files
from core.decisions.policy import Policy
from core.history.endings import ANY_DISCONTINUATION as ANY
from core.history.reader import read_history
from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import TrialHistory
from core.replay.temporal_validation import (
    ValidationRefused,
    judged_rows,
    patient_of,
    split_by_enrolment,
    temporal_validation,
)
from core.report.formats import report_bytes
from core.report.temporal import temporal_report
from core.settings import load_settings
from tests.core.cli.test_no_traceback import BROKEN, _folder, _plain
from tests.core.replay.test_no_look_ahead import _rewritten_after

PILOT = Path(__file__).resolve().parents[3] / "data" / "cdiscpilot01"


def _two_thirds(history: TrialHistory) -> pd.Timestamp:
    dates = history.subjects["enrolment_date"].sort_values(ignore_index=True)
    return dates.iloc[len(dates) * 2 // 3]


@pytest.fixture(scope="module")
def simulated() -> TrialHistory:
    return simulate_history(HistoryPlan(600, n_sites=5, planned_days=112, enrolment_days=300), seed=11)


@pytest.fixture(scope="module")
def policy() -> Policy:
    settings = load_settings()
    return Policy(0.3, None, settings.costs, settings.bands)


def test_no_tested_patient_is_in_the_training_history(simulated, policy):
    date = _two_thirds(simulated)
    validation = temporal_validation(simulated, date, "simulated", policy, load_settings().bands, n_boot=20)
    trained = set(validation.split.training.subjects["patient_id"])
    tested = set(patient_of(validation.cohort.scored["patient_id"]))
    assert trained and tested and not trained & tested
    assert (validation.split.training.subjects["enrolment_date"] < date).all()
    assert validation.split.training.visits["visit_date"].max() < date
    assert (validation.split.tested.subjects["enrolment_date"] >= date).all()
    assert len(trained) + len(validation.split.tested.subjects) == len(simulated.subjects)


def test_records_dated_on_or_after_the_date_never_reach_the_trained_model(simulated, policy):
    date = _two_thirds(simulated)
    bands = load_settings().bands
    before = temporal_validation(simulated, date, "simulated", policy, bands, n_boot=20)
    changed = _rewritten_after(simulated, date - pd.Timedelta(days=1))
    after = temporal_validation(changed, date, "simulated", policy, bands, n_boot=20)
    # the same rows (the original tested patients' landmark rows) scored by both trained models
    frame = before.bundle.features(before.cohort.result.valid)
    assert len(frame) and np.array_equal(before.bundle.model.probability(frame), after.bundle.model.probability(frame))
    # and the change did reach the test (so the check could fail)
    assert before.split.counts() != after.split.counts()


def test_the_reports_roc_auc_is_sklearns_on_the_tested_patients(policy):
    history = read_history(history_files(PILOT))
    bands = load_settings().bands  # CDISC Pilot 01 has too few retention dropouts early on: any discontinuation
    validation = temporal_validation(history, _two_thirds(history), "cdiscpilot01", policy, bands, outcome=ANY)
    y, p, patients = judged_rows(validation)
    tested = set(validation.split.tested.subjects["patient_id"].astype(str))
    assert set(patients) <= tested and y.min() == 0 and y.max() == 1
    report = temporal_report(validation, policy, trial="cdiscpilot01", made_by="test", made_at=datetime.now(UTC))
    html = report_bytes(report, ".html").decode()
    shown = re.search(r"ROC AUC (\d\.\d{3}) \(", html)
    assert shown is not None and float(shown.group(1)) == round(roc_auc_score(y, p), 3)
    assert "out-of-time" in html and "enrolled before" in html
    _, _, rows = judged_rows(validation, patients=False)
    at_28 = np.char.endswith(rows.astype(str), " at day 28")
    assert f"{roc_auc_score(y[at_28], p[at_28]):.2f} (" in html.split("ROC AUC by landmark day")[1]


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("2001-01-01", "0 patients enrolled before 2001-01-01 with 0 dropouts"),
        ("2030-01-01", "0 patients enrolled on or after 2030-01-01 with 0 dropouts"),
    ],
)
def test_too_few_on_either_side_is_refused_with_the_counts(simulated, date, words):
    with pytest.raises(ValidationRefused, match=re.escape(words)):
        split_by_enrolment(simulated, date)


def test_a_late_date_leaving_few_tested_patients_says_how_many(simulated):
    last = simulated.subjects["enrolment_date"].sort_values(ignore_index=True)
    n = int((simulated.subjects["enrolment_date"] >= last.iloc[-5]).sum())
    with pytest.raises(ValidationRefused, match=f"{n} patients enrolled on or after"):
        split_by_enrolment(simulated, last.iloc[-5])


@pytest.mark.parametrize(
    "arguments",
    [
        ["--history", str(PILOT), "--validate-after", "2001-01-01"],
        ["--history", str(PILOT), "--validate-after", "2030-01-01"],
        ["--history", str(PILOT), "--validate-after", "not a date"],
        [str(PILOT / "ae.csv"), "--validate-after", "2013-01-01"],
    ],
)
def test_the_command_line_refuses_in_one_line(arguments, tmp_path, capsys):
    try:
        code = score.main([*arguments, "-o", str(tmp_path / "report.html")])
    except SystemExit as exc:  # argparse refuses an option it cannot read: its usage and one error line
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code in (1, 2) and "Traceback" not in err
    assert re.match(r"(not scored: cannot validate|\S+: error: )", err.strip().splitlines()[-1])


def test_the_command_line_writes_the_out_of_time_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    arguments = ["--history", str(PILOT), "--validate-after", "2013-09-23", "-o", str(out)]
    assert score.main([*arguments, "--outcome", "any"]) == 0
    assert "out-of-time ROC AUC, landmark days pooled" in capsys.readouterr().out
    assert "None of them was in the data the model learned from" in out.read_text()


def test_the_outcome_definition_is_the_same_for_training_and_test(tmp_path, capsys):
    """Under the default (retention dropouts), CDISC Pilot 01's early patients hold too few dropouts to train: the
    refusal counts them under that definition, not every discontinuation."""
    history = read_history(history_files(PILOT))
    day = pd.Timestamp("2013-09-23")
    any_ending = split_by_enrolment(history, day, ANY).counts()
    with pytest.raises(ValidationRefused) as refused:
        split_by_enrolment(history, day)
    counted = int(re.search(r"before 2013-09-23 with (\d+) dropouts", str(refused.value)).group(1))
    assert counted < 20 <= any_ending["trained_dropouts"]
    out = tmp_path / "report.html"
    assert score.main(["--history", str(PILOT), "--validate-after", "2013-09-23", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "counted as retention dropout" in err and "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_history_to_validate_never_shows_a_traceback(name, tmp_path, capsys):
    folder = _folder(tmp_path / "history", BROKEN[name])
    arguments = ["--history", str(folder), "--validate-after", "2024-01-01", "-o", str(tmp_path / "out.html")]
    code = score.main(arguments)
    err = capsys.readouterr().err
    assert code in (1, 2) and _plain(err), (name, code, err)
