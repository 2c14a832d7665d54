"""Model page: shows the card's numbers and the held-out plots."""

from __future__ import annotations

import json

from tests.app.conftest import open_page


def test_model_page_shows_the_card_metrics(bundle):
    at = open_page("model")
    table = at.table[0].value  # a static table: its headers wrap instead of being cut off
    test = bundle.card["metrics"]["test"]
    model_column = " ".join(table["This model"])
    for metric in ("roc_auc", "pr_auc", "brier", "ece"):
        assert f"{test[metric]['value']:.3f}" in model_column
    assert f"{test['oracle_roc_auc']['value']:.3f}" in " ".join(table["Best possible on this data"])
    logistic = bundle.card["baselines"]["logistic_regression"]["roc_auc"]["value"]
    assert f"{logistic:.3f}" in " ".join(table["Logistic regression"])
    assert any("synthetic" in w.value for w in at.warning)


def test_model_page_draws_curves_calibration_and_explanations():
    at = open_page("model")
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    joined = " ".join(titles)
    for title in (
        "ROC curve",
        "Precision and recall",
        "Calibration",
        "relies on most",
        "patient by patient",
        "moves risk",
    ):
        assert title in joined


def test_dependence_plot_follows_the_chosen_feature():
    at = open_page("model")
    at.selectbox(key="dependence_feature").set_value("adverse_events").run()
    assert not at.exception
    layout = json.loads(at.get("plotly_chart")[-1].proto.spec)["layout"]
    assert layout["title"]["text"].startswith("How adverse events")
    assert layout["xaxis"]["title"]["text"] == "Adverse events reported so far"
