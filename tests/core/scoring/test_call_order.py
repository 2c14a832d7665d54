"""The call list in another order: by a time-to-dropout model's chance of leaving within N weeks, highest first.
Only the order changes: who is flagged, their contact and its price are the same as in the usual order; a model
that gives no such chance refuses the order in one line, on the command line too."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.cli.score import main
from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import Policy
from core.outreach.call_list import call_list
from core.report.content import build_week_report
from core.scoring.call_order import BY_END, OrderRefused, order_choices, order_for_weeks
from core.scoring.cohort import ranked_table, score_upload
from tests.conftest import csv_bytes
from tests.core.training.conftest import small_run, small_trial
from tests.time_version import time_registry, trial_week

__all__ = ["small_run", "small_trial"]
WITHIN_4 = "chance_within_4_weeks"


@pytest.fixture(scope="module")
def time_models(small_run, tmp_path_factory):
    return time_registry(small_run, tmp_path_factory.mktemp("call_order") / "models")


@pytest.fixture(scope="module")
def week(small_run, tmp_path_factory):
    path = tmp_path_factory.mktemp("week") / "week.csv"
    path.write_bytes(csv_bytes(trial_week(small_run)))
    return path


@pytest.fixture(scope="module")
def scored(time_models, week):
    bundle = time_models.load()
    return bundle, score_upload(week.read_bytes(), week.name, bundle, FACTORY_BANDS)


def _policy(cohort, capacity: int | None = 25) -> tuple[Policy, np.ndarray]:
    policy = Policy(float(np.quantile(cohort.probability, 0.5)), capacity, FACTORY_COSTS, FACTORY_BANDS)
    return policy, policy.flagged(cohort.curves)


def _by_patient(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return table.set_index("patient_id" if "patient_id" in table else "Patient ID")[columns].sort_index()


def test_a_time_model_offers_each_horizon_and_a_landmark_model_only_the_chance_before_the_end(scored, bundle):
    time_bundle, _ = scored
    assert list(order_choices(time_bundle)) == [BY_END, WITHIN_4, "chance_within_8_weeks", "chance_within_12_weeks"]
    assert list(order_choices(bundle)) == [BY_END]
    assert order_for_weeks(time_bundle, 8) == "chance_within_8_weeks"
    with pytest.raises(OrderRefused, match="gives the chance of leaving within 4, 8, 12 weeks"):
        order_for_weeks(time_bundle, 6)
    with pytest.raises(OrderRefused, match="not a time-to-dropout model"):
        order_for_weeks(bundle, 4)


def test_ordered_by_four_weeks_the_rows_change_order_and_nothing_else(scored):
    bundle, cohort = scored
    policy, flagged = _policy(cohort)
    everyone = np.ones(len(flagged), dtype=bool)
    usual = ranked_table(cohort, everyone, flagged, policy, bundle)
    soon = ranked_table(cohort, everyone, flagged, policy, bundle, order_by=WITHIN_4)
    assert soon[WITHIN_4].is_monotonic_decreasing and usual["probability"].is_monotonic_decreasing
    assert soon["patient_id"].tolist() != usual["patient_id"].tolist()  # the two orders differ on this week
    assert soon[WITHIN_4].iloc[0] == cohort.scored[WITHIN_4].max()
    same = ["probability", WITHIN_4, "flagged", "contact", "contact_cost", "reason_1"]
    pd.testing.assert_frame_equal(_by_patient(soon, same), _by_patient(usual, same))
    assert int(soon["flagged"].sum()) == int(flagged.sum()) == 25  # the capacity binds on the chance before the end
    limited = ranked_table(cohort, everyone, flagged, policy, bundle, limit=10, order_by=WITHIN_4)
    assert limited["patient_id"].tolist() == soon["patient_id"].head(10).tolist()


def test_the_call_list_and_the_report_follow_the_order(scored):
    bundle, cohort = scored
    policy, flagged = _policy(cohort, capacity=None)
    usual = call_list(cohort, flagged, flagged, policy, bundle)
    soon = call_list(cohort, flagged, flagged, policy, bundle, order_by=WITHIN_4)
    header = "Chance of leaving within 4 weeks"
    assert soon[header].is_monotonic_decreasing and not usual[header].is_monotonic_decreasing
    same = ["Flagged", "Contact", "Contact cost ($)", "Chance of dropping out"]
    pd.testing.assert_frame_equal(_by_patient(soon, same), _by_patient(usual, same))
    report = build_week_report(
        cohort, policy, bundle, trial="T", made_by="test", made_at=pd.Timestamp("2026-12-01", tz="UTC"), n_boot=5,
        order_by=WITHIN_4,
    )  # fmt: skip
    assert report.call_list["Patient"].tolist() == soon["Patient ID"].tolist()
    assert report.call_list_note.endswith("highest chance of leaving within 4 weeks first.")


def test_a_landmark_model_refuses_an_order_it_cannot_give(loaded, bundle):
    policy, flagged = _policy(loaded)
    with pytest.raises(OrderRefused, match="not a time-to-dropout model"):
        ranked_table(loaded, flagged, flagged, policy, bundle, order_by=WITHIN_4)


def test_the_command_line_orders_by_weeks_and_refuses_a_horizon_the_model_lacks(
    time_models, week, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(time_models.root))
    monkeypatch.delenv("RRADAR_MODEL_SHA256", raising=False)
    out = tmp_path / "calls.csv"
    assert main([str(week), "-o", str(out), "--threshold", "0", "--capacity", "25", "--order-by-weeks", "4"]) == 0
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert written["Chance of leaving within 4 weeks"].is_monotonic_decreasing
    assert (written["Flagged"] == "Yes").sum() == 25
    about = json.loads((tmp_path / "calls_about.json").read_text())
    assert about["Order of the list"].startswith("highest chance of leaving within 4 weeks first")
    usual = tmp_path / "usual.csv"
    assert main([str(week), "-o", str(usual), "--threshold", "0", "--capacity", "25"]) == 0
    before = pd.read_csv(usual, encoding="utf-8-sig")
    assert before["Chance of dropping out"].is_monotonic_decreasing
    assert set(written.loc[written["Flagged"] == "Yes", "Patient ID"]) == set(
        before.loc[before["Flagged"] == "Yes", "Patient ID"]
    )
    capsys.readouterr()
    assert main([str(week), "-o", str(tmp_path / "six.csv"), "--order-by-weeks", "6"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "within 6 weeks" in error and "4, 8, 12 weeks" in error
    assert not (tmp_path / "six.csv").exists()


def test_the_command_line_refuses_ordering_by_weeks_under_a_landmark_model(week, tmp_path, capsys):
    assert main([str(week), "-o", str(tmp_path / "calls.csv"), "--order-by-weeks", "4"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not a time-to-dropout model" in error and "Traceback" not in error
