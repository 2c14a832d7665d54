"""Tables and words for the Thresholds & costs page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.figures import costs as cost_charts
from core.decisions.evaluation import COST_ROWS, Rates, ThresholdView
from core.output.numbers import interval

MONEY_ROWS = {"intervention_cost", "dropout_cost", "total_cost", "savings"}


def _cell(value: float, key: str, expected: bool) -> str:
    if np.isnan(value):
        return "–"
    if key in MONEY_ROWS:
        return f"${value:,.0f}"
    return f"{value:,.1f}" if expected else f"{value:,.0f}"


def cost_table_display(table: pd.DataFrame, per_1000: pd.DataFrame, expected: bool) -> pd.DataFrame:
    """Cohort totals with the per-1,000-patients figure beside each, as text for display."""
    thresholds = table.attrs["thresholds"]
    names = {
        "chosen": f"Your threshold ({thresholds['chosen']:.2f})",
        "reference": f"Reference ({thresholds['reference']:.2f})",
        "cost_optimal": f"Lowest cost ({thresholds['cost_optimal']:.2f})",
        "no_program": "No program",
    }
    shown = pd.DataFrame(index=[COST_ROWS[k] for k in table.index])
    for column, name in names.items():
        shown[name] = [
            f"{_cell(table.at[k, column], k, expected)}  ({_cell(per_1000.at[k, column], k, True)} per 1,000)"
            for k in table.index
        ]
    return shown.rename_axis("").reset_index()


def rates_in_words(rates: Rates) -> list[tuple[str, str, str]]:
    """(label, value, explanation) for the chosen threshold's rates."""

    def pct(v: float) -> str:
        return "–" if np.isnan(v) else f"{v:.0%}"

    return [
        ("Precision", pct(rates.precision), "of flagged patients would drop out"),
        ("Recall (sensitivity)", pct(rates.recall), "of dropouts are flagged"),
        ("Specificity", pct(rates.specificity), "of patients who stay are not flagged"),
        ("Flagged", pct(rates.flagged_rate), "of all patients"),
    ]


def subgroup_display(table: pd.DataFrame, expected: bool) -> pd.DataFrame:
    """Per-group counts and rates as text (percentages, '–' where a rate is undefined)."""

    def pct(v: float) -> str:
        return "–" if np.isnan(v) else f"{v:.0%}"

    count = "{:,.1f}" if expected else "{:,.0f}"
    return pd.DataFrame(
        {
            "group": table["group"],
            "patients": table["patients"].map("{:,}".format),
            "flagged": table["flagged"].map("{:,}".format),
            "dropouts" + (" (expected)" if expected else ""): table["dropouts"].map(count.format),
            "caught": table["caught"].map(count.format),
            "recall": table["recall"].map(pct),
            "flagged rate": table["flagged_rate"].map(pct),
            "precision": table["precision"].map(pct),
        }
    ).set_index("group")


def cohort_metrics_in_words(metrics: dict | None, test: dict) -> str:
    """The model's ranking and calibration on the user's labelled cohort, next to the test split's."""
    if metrics is None:
        return "The outcomes in this cohort are all the same, so ranking quality cannot be measured on it."

    return (
        f"On your cohort the model's ranking quality (ROC AUC) is **{interval(metrics['roc_auc'])}**, against "
        f"{interval(test['roc_auc'])} on its test split; Brier score {interval(metrics['brier'])} (test "
        f"{interval(test['brier'])}); calibration error {interval(metrics['ece'])}. Observed dropout rate "
        f"{metrics['prevalence']:.0%}. Brackets: 95% intervals."
    )


PLOTS = {
    "Total cost": "cost_curve",
    "Precision and recall": "pr_threshold",
    "Confusion matrix": "confusion",
    "Decision curve": "decision_curve",
    "Cumulative gains": "gains",
}


def figure(name: str, view: ThresholdView, threshold: float, expected: bool) -> go.Figure:
    """One of the PLOTS for this threshold (each marks the chosen threshold)."""
    kind = PLOTS[name]
    if kind == "cost_curve":
        return cost_charts.cost_curve_figure(view.cost_curve, threshold, view.table.attrs["thresholds"]["cost_optimal"])
    if kind == "pr_threshold":
        return cost_charts.precision_recall_threshold_figure(view.rate_curves, threshold)
    if kind == "confusion":
        return cost_charts.confusion_figure(view.chosen, expected)
    if kind == "decision_curve":
        return cost_charts.decision_curve_figure(view.decision_curve, threshold)
    return cost_charts.gains_figure(view.gains, flagged_share=view.rates.flagged_rate)


def band_plan_display(plan: list[dict]) -> pd.DataFrame:
    """Patients per band, the band's action and the cost, as text."""
    return pd.DataFrame(
        {
            "band": [row["band"] for row in plan],
            "action": [row["action"] for row in plan],
            "patients": [f"{row['patients']:,}" for row in plan],
            "cost per patient": [f"${row['cost_per_patient']:,.2f}" for row in plan],
            "cost": [f"${row['cost']:,.0f}" for row in plan],
        }
    ).set_index("band")
