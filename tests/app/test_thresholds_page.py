"""Thresholds page: the slider drives the cost table as core says; each data source says what it is."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from app import state
from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.decisions.curves import ThresholdCurves
from core.paths import DEMO_COHORT_PATH, HOLDOUT_PATH
from core.scoring.cohort import score_upload
from core.scoring.evaluation import cost_table
from tests.app.conftest import open_page


def _table(at) -> pd.DataFrame:
    return at.table[0].value.reset_index()


def _cell(text: str) -> float:
    return float(text.split("  (")[0].replace("$", "").replace(",", ""))


def _expected_table(p, y, threshold, costs=FACTORY_COSTS, capacity=None):
    return cost_table(ThresholdCurves(p, y), threshold, costs, capacity, 0.5)


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.62])
def test_slider_moves_the_cost_table_as_core_decision_says(threshold):
    at = open_page("thresholds")
    at.slider(key="thresholds_settings_threshold").set_value(threshold).run()
    assert not at.exception
    holdout = pd.read_csv(HOLDOUT_PATH)
    expected = _expected_table(holdout["probability"].to_numpy(), holdout["dropout"].to_numpy(), threshold)
    shown = _table(at)
    assert shown.columns[1] == f"Your threshold ({threshold:.2f})"
    rows = ["caught", "missed", "false_alarms", "flagged", "intervention_cost", "dropout_cost", "total_cost", "savings"]
    for i, row in enumerate(rows):
        assert _cell(shown.iloc[i, 1]) == pytest.approx(expected.at[row, "chosen"], abs=0.5), row
        assert _cell(shown.iloc[i, 3]) == pytest.approx(expected.at[row, "cost_optimal"], abs=0.5), row
    assert at.session_state[state.THRESHOLD] == threshold


def test_costs_and_capacity_change_the_table():
    at = open_page("thresholds")
    at.number_input(key="thresholds_settings_intervention_cost").set_value(1000.0).run()
    at.radio(key="thresholds_capacity_mode").set_value("At most a number of patients").run()
    at.number_input(key="thresholds_capacity_amount").set_value(100).run()
    assert not at.exception
    holdout = pd.read_csv(HOLDOUT_PATH)
    threshold = at.session_state[state.THRESHOLD]
    expected = _expected_table(
        holdout["probability"].to_numpy(),
        holdout["dropout"].to_numpy(),
        threshold,
        CostSettings(1000.0, 5000.0, 1.0),
        capacity=100,
    )
    shown = _table(at)
    assert _cell(shown.iloc[3, 1]) == expected.at["flagged", "chosen"] == 100
    assert _cell(shown.iloc[6, 1]) == pytest.approx(expected.at["total_cost", "chosen"])
    assert any("Staff capacity binds" in w.value for w in at.warning)


def test_without_a_cohort_the_test_split_is_used_and_labelled():
    at = open_page("thresholds")
    assert at.radio(key="threshold_source").value.startswith("The model's measured patients")
    assert any("patients the model was measured on" in i.value and "synthetic data" in i.value for i in at.info)


def test_unlabelled_cohort_shows_expected_mode_with_calibration(bundle):
    cohort = score_upload(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle, FACTORY_BANDS)
    at = open_page("thresholds", **{state.COHORT: cohort})
    assert at.radio(key="threshold_source").value.startswith("Your cohort, expected")
    assert any("expected" in w.value and "calibration" in w.value for w in at.warning)
    titles = " ".join(c.proto.spec for c in at.get("plotly_chart"))
    assert "Calibration" in titles
    shown = _table(at)
    p = cohort.probability
    threshold = at.session_state[state.THRESHOLD]
    assert _cell(shown.iloc[0, 1]) == pytest.approx(p[p >= threshold].sum(), abs=0.5)  # whole numbers shown


def test_labelled_cohort_uses_observed_outcomes(bundle):
    holdout = pd.read_csv(HOLDOUT_PATH).drop(columns=["probability", "true_risk"]).head(800)
    buffer = io.StringIO()
    holdout.to_csv(buffer, index=False)
    cohort = score_upload(buffer.getvalue().encode(), "labelled.csv", bundle, FACTORY_BANDS)
    at = open_page("thresholds", **{state.COHORT: cohort})
    assert at.radio(key="threshold_source").value.startswith("Your cohort, with its observed outcomes")
    assert any("observed outcomes" in s.value for s in at.success)
    from core.stats.metrics import METRICS

    auc = METRICS["roc_auc"](holdout["dropout"].to_numpy(), cohort.probability)
    assert any(f"**{auc:.3f} (" in m.value for m in at.markdown)
    threshold = at.session_state[state.THRESHOLD]
    expected = _expected_table(cohort.probability, holdout["dropout"].to_numpy(), threshold)
    assert _cell(_table(at).iloc[0, 1]) == expected.at["caught", "chosen"]
    assert np.isfinite(expected.at["caught", "chosen"])


@pytest.mark.parametrize(
    "plot,title",
    [
        ("Total cost", "Total program cost"),
        ("Precision and recall", "Precision and recall at each threshold"),
        ("Confusion matrix", "Who is flagged"),
        ("Decision curve", "Decision curve"),
        ("Cumulative gains", "Cumulative gains"),
    ],
)
def test_each_plot_can_be_chosen_and_marks_the_threshold(plot, title):
    import json

    at = open_page("thresholds")
    at.slider(key="thresholds_settings_threshold").set_value(0.37).run()
    at.segmented_control(key="threshold_plot").set_value(plot).run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    chosen = [s for s in specs if s["layout"]["title"]["text"].startswith(title)]
    assert len(chosen) == 1
    marks = [shape.get("x0") for shape in chosen[0]["layout"].get("shapes", [])]
    if plot == "Cumulative gains":  # marked at the share of patients flagged at 0.37
        p = pd.read_csv(HOLDOUT_PATH)["probability"].to_numpy()
        assert (p >= 0.37).mean() in [pytest.approx(m) for m in marks]
    elif plot != "Confusion matrix":
        assert 0.37 in marks


def test_subgroup_view_follows_the_chosen_grouping():
    at = open_page("thresholds")
    at.segmented_control(key="subgroup_by").set_value("Arm").run()
    assert not at.exception
    shown = [d for d in at.dataframe if "recall" in d.value.columns]
    assert list(shown[0].value.index) == ["Active", "Control", "Placebo"]
