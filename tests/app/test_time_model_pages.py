"""The pages under a time-to-dropout model in use: the Cohort page orders its call list by the chance within N weeks
(who is flagged unchanged), the Patient page shows the chances and the curve of staying, the Train and Model pages
the figures per horizon."""

from __future__ import annotations

import functools
import json
import math

import pandas as pd
import pytest

from app import state
from app.services import training_run
from app.views.time_to_dropout import TOO_FEW
from app.views.train import DEMO
from core.decisions.bands import FACTORY_BANDS
from core.model.registry import Registry
from core.model.whatif import validate_patient
from core.scoring.scores import score_frame
from core.training.time_family import TIME
from core.training.trial_training import TrainingOptions
from tests.app.conftest import form_widget, open_page, shown
from tests.conftest import csv_bytes
from tests.core.training.conftest import copy_registry, small_run, small_trial
from tests.time_version import time_registry, trial_week

__all__ = ["small_run", "small_trial"]
CSV = "text/csv"


@pytest.fixture(scope="module")
def time_models(small_run, tmp_path_factory):
    return time_registry(small_run, tmp_path_factory.mktemp("time_pages") / "models")


@pytest.fixture
def time_in_use(time_models, monkeypatch):
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(time_models.root))
    monkeypatch.delenv("RRADAR_MODEL_SHA256", raising=False)
    return time_models.load()


def _drawn(at) -> set[str]:
    """The patient table's columns on screen (the others wait under "More columns")."""
    return set(at.dataframe(key="patient_table").proto.column_order)


def _cohort_page(small_run):
    at = open_page("cohort")
    at.file_uploader(key="cohort_upload").set_value([("week.csv", csv_bytes(trial_week(small_run)), CSV)]).run()
    at.slider(key=f"cohort_{state.THRESHOLD}").set_value(0.03).run()  # about a quarter of this trial flagged
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_cohort_page_orders_the_call_list_by_the_chance_within_weeks_and_flags_the_same(time_in_use, small_run):
    at = _cohort_page(small_run)
    order = at.selectbox(key="call_list_order")
    assert order.options == [
        "Chance of dropping out before the end of the trial",
        "Chance of leaving within 4 weeks",
        "Chance of leaving within 8 weeks",
        "Chance of leaving within 12 weeks",
    ]
    usual = at.dataframe(key="patient_table").value
    assert not _drawn(at) & {"chance_within_4_weeks", "chance_within_8_weeks"}  # waiting under "More columns"
    assert usual["probability"].is_monotonic_decreasing
    assert usual["chance_within_4_weeks"].between(0, 100).all()  # shown as percentages
    order.set_value("chance_within_4_weeks").run()
    assert not at.exception, [e.value for e in at.exception]
    soon = at.dataframe(key="patient_table").value
    assert soon["chance_within_4_weeks"].is_monotonic_decreasing
    assert "chance_within_4_weeks" in _drawn(at) and "chance_within_8_weeks" not in _drawn(at)  # the order's chance
    assert soon["patient_id"].tolist() != usual["patient_id"].tolist()
    by_id = ["probability", "flagged", "contact", "contact_cost"]
    pd.testing.assert_frame_equal(
        soon.set_index("patient_id")[by_id].sort_index(), usual.set_index("patient_id")[by_id].sort_index()
    )
    assert 0 < soon["flagged"].sum() < len(soon)
    first = at.dataframe[0].value  # "Call first", on the first screen (a table without selection has no key here)
    assert first["patient_id"].tolist() == soon.loc[soon["flagged"], "patient_id"].head(len(first)).tolist()
    words = " ".join(shown(m.value) for m in at.markdown)
    assert "highest chance of leaving within 4 weeks first" in words
    assert any("Only the order of the list changes" in c.value for c in at.caption)


def test_the_cohort_page_under_a_landmark_model_offers_no_order(small_run):
    at = _cohort_page(small_run)
    assert not [s for s in at.selectbox if s.key == "call_list_order"]
    assert not any(str(c).startswith("chance_within") for c in at.dataframe(key="patient_table").value.columns)


PATIENT = {
    "patient_id": "T-7",
    "age": 58,
    "gender": "Female",
    "treatment_group": "Drug X",
    "trial_phase": "Phase II",
    "days_in_trial": 35,
    "visits_completed": 2,
    "last_visit_day": 14,
    "adverse_events": 1,
    "visits_missed": 1,
}


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _curves(at) -> dict[str, list[float]]:
    """The survival figure's lines, by name: the chance of still being in the trial (percent) after each week."""
    [chart] = [c for c in at.get("plotly_chart") if "Chance of still being in the trial" in c.proto.spec]
    spec = json.loads(chart.proto.spec)
    return {t["name"]: list(t["y"]) for t in spec["data"] if t.get("mode") == "lines"}


def test_the_patient_page_shows_the_chances_within_weeks_and_the_curve_with_the_what_if(time_in_use):
    at = open_page("patient", **{state.PATIENT_PREFILL: PATIENT})
    assert not at.exception, [e.value for e in at.exception]
    valid = validate_patient(PATIENT, time_in_use.contract).valid
    expected = score_frame(valid, time_in_use, FACTORY_BANDS, time_in_use.default_threshold).iloc[0]
    assert _metric(at, "Chance of dropping out") == f"{expected['probability']:.1%}"
    for weeks in (4, 8, 12):
        assert (
            _metric(at, f"Chance of leaving within {weeks} weeks") == f"{expected[f'chance_within_{weeks}_weeks']:.1%}"
        )
    curve = _curves(at)["As assessed"]
    assert curve[0] == pytest.approx(100) and all(b <= a + 1e-9 for a, b in zip(curve, curve[1:], strict=False))
    for weeks in (4, 8, 12):
        assert curve[weeks] == pytest.approx(100 - 100 * expected[f"chance_within_{weeks}_weeks"])
    planned_end = int(
        time_in_use.model.weeks_left(time_in_use.features(valid)[time_in_use.feature_names].to_numpy())[0]
    )
    assert curve[planned_end] == pytest.approx(100 - 100 * expected["probability"])  # the chance before the end
    assert any("Main reasons" in m.value for m in at.markdown)  # the explanation, unchanged

    form_widget(at, "patient", "visits_missed").set_value(4)
    at.button(key="try_changes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    changed = score_frame(
        validate_patient({**PATIENT, "visits_missed": 4}, time_in_use.contract).valid, time_in_use, FACTORY_BANDS
    ).iloc[0]
    curves = _curves(at)
    assert list(curves) == ["As assessed", "With your changes"]
    assert curves["As assessed"] == curve  # the assessment stays
    assert curves["With your changes"][4] == pytest.approx(100 - 100 * changed["chance_within_4_weeks"])
    assert curves["With your changes"] != curve


def test_the_patient_page_under_a_landmark_model_shows_no_weeks(bundle):
    at = open_page("patient", **{state.PATIENT_PREFILL: {**PATIENT, "treatment_group": "Active"}})
    assert not at.exception, [e.value for e in at.exception]
    assert not [m for m in at.metric if m.label.startswith("Chance of leaving within")]
    assert not [c for c in at.get("plotly_chart") if "Chance of still being in the trial" in c.proto.spec]


@pytest.fixture
def train_models(tmp_path, monkeypatch):
    """A copy of the registry for the Train page, and a quicker (otherwise identical) training."""
    folder = copy_registry(tmp_path / "models")
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(folder))
    quick = functools.partial(TrainingOptions, n_folds=3, repeats=1, n_boot=20, learning_curve=False)
    monkeypatch.setattr(training_run, "TrainingOptions", quick)
    return folder


def _horizon_table(at) -> pd.DataFrame:
    return next(t.value for t in at.table if t.value.index.name == "Horizon")


def _expected_table(card: dict) -> list[list[str]]:
    """The card's figures per horizon as the section writes them (value and 95% interval, 3 decimals)."""
    rows = []
    for figures in card["time_to_dropout"]["per_horizon"].values():
        row = []
        for key in ("time_dependent_auc", "uno_c", "integrated_brier"):
            value, (low, high) = figures[key]["value"], figures[key]["ci95"]
            row.append(TOO_FEW if math.isnan(value) else f"{value:.3f} ({low:.3f}–{high:.3f})")
        rows.append(row)
    return rows


def test_the_train_page_shows_the_time_version_its_figures_per_horizon_and_puts_it_in_use(train_models):
    at = open_page("train")
    at.radio(key="train_source").set_value(DEMO).run()
    at.button(key="train_start").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    registry = Registry(train_models)
    [version] = [v for v in registry.versions() if v.card.get("model_kind") == TIME]
    table = _horizon_table(at)
    assert list(table.index) == ["Within 4 weeks", "Within 8 weeks", "Within 12 weeks"]
    assert table.to_numpy().tolist() == _expected_table(version.card)
    assert any(c != TOO_FEW for row in table.to_numpy().tolist() for c in row)  # the real trial measures some
    words = " ".join(shown(m.value) for m in at.markdown)
    assert "Uno's concordance:" in words and "Integrated Brier score:" in words and "Time-dependent ROC AUC:" in words
    assert [c for c in at.get("plotly_chart") if "by risk group" in c.proto.spec]
    labels = [b.label for b in at.button if (b.key or "").startswith("promote_") and b.key != "promote_version"]
    assert len(labels) == 3 and any(
        label.startswith("Use the time to dropout (weekly hazard) version") for label in labels
    )
    at.button(key=f"promote_{TIME}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert registry.in_use() == version.name


def test_the_model_page_of_a_time_version_shows_its_figures_per_horizon(time_in_use):
    at = open_page("model")
    assert not at.exception, [e.value for e in at.exception]
    table = _horizon_table(at)
    assert table.to_numpy().tolist() == _expected_table(time_in_use.card)
    assert [c for c in at.get("plotly_chart") if "by risk group" in c.proto.spec]
    about = " ".join(m.value for m in at.markdown)
    assert "time to dropout (weekly hazard)" in about


def test_the_model_page_of_a_landmark_version_has_no_section_per_horizon(bundle):
    at = open_page("model")
    assert not at.exception, [e.value for e in at.exception]
    assert not [t for t in at.table if t.value.index.name == "Horizon"]
