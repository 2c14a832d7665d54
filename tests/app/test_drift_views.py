"""Drift from the app: a banner on the Cohort page, a table with the rules on the Model page."""

from __future__ import annotations

from core.training.synthetic_world import TRAINING_TRIALS, simulate
from tests.app.conftest import open_page, shown
from tests.app.test_cohort_page import _upload
from tests.conftest import csv_bytes


def _shifted_cohort() -> bytes:
    frame = simulate(TRAINING_TRIALS, seed=31, id_prefix="S").sample(600, random_state=2)
    frame = frame.assign(age=(frame["age"] + 20).clip(upper=100))
    return csv_bytes(frame.drop(columns=["true_risk", "dropout", "trial_id"]))


def test_a_shifted_upload_gets_a_drift_banner_and_a_model_page_table():
    at = open_page("cohort")
    _upload(at, "older.csv", _shifted_cohort())
    banners = [e.value for e in at.error if "differs from the patients the model learned from" in e.value]
    assert banners and "age (major" in banners[0]
    at.switch_page("../pages/model_card.py").run()
    assert not at.exception
    assert any("population stability index" in m.value for m in at.markdown)
    assert any("older.csv" in shown(c.value) for c in at.caption)


def test_model_page_without_a_cohort_explains_how_to_compare():
    at = open_page("model")
    assert any("Load a cohort" in i.value for i in at.info)
