"""Tables and words for the Thresholds & costs page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app.figures import costs as cost_charts
from core.formatting import count, dollars, interval, percent
from core.scoring.evaluation import COST_ROWS, Rates, ThresholdView

MONEY_ROWS = {"intervention_cost", "dropout_cost", "total_cost", "savings"}
PER_THOUSAND_FROM = 1000  # below this, "per 1,000 patients" would only extrapolate a small cohort


def _cell(value: float, key: str) -> str:
    return dollars(value) if key in MONEY_ROWS else count(value)


def cost_table_display(table: pd.DataFrame, per_1000: pd.DataFrame | None, expected: bool) -> pd.DataFrame:
    """Cohort totals (with the per-1,000-patients figure beside each when given), as text for display."""
    thresholds = table.attrs["thresholds"]
    names = {
        "chosen": f"Your threshold ({thresholds['chosen']:.2f})",
        "reference": f"Reference ({thresholds['reference']:.2f})",
        "cost_optimal": f"Lowest cost ({thresholds['cost_optimal']:.2f})",
        "no_program": "No program",
    }
    rows = {
        k: COST_ROWS[k] + (" (expected)" if expected and k in ("caught", "missed", "false_alarms") else "")
        for k in table.index
    }
    shown = pd.DataFrame(index=list(rows.values()))
    for column, name in names.items():
        shown[name] = [
            _cell(table.at[k, column], k)
            + ("" if per_1000 is None else f"  ({_cell(per_1000.at[k, column], k)} per 1,000)")
            for k in table.index
        ]
    return shown.rename_axis("").reset_index()


def rates_in_words(rates: Rates) -> list[tuple[str, str, str]]:
    """(label, value, explanation) for the chosen threshold's rates."""
    return [
        ("Precision", percent(rates.precision), "of flagged patients would drop out"),
        ("Recall (sensitivity)", percent(rates.recall), "of dropouts are flagged"),
        ("Specificity", percent(rates.specificity), "of patients who stay are not flagged"),
        ("Flagged", percent(rates.flagged_rate), "of all patients"),
    ]


def subgroup_display(table: pd.DataFrame, expected: bool) -> pd.DataFrame:
    """Per-group counts and rates as text (percentages, '–' where a rate is undefined)."""
    return pd.DataFrame(
        {
            "group": table["group"],
            "patients": table["patients"].map(count),
            "flagged": table["flagged"].map(count),
            "dropouts" + (" (expected)" if expected else ""): table["dropouts"].map(count),
            "caught": table["caught"].map(count),
            "recall": table["recall"].map(percent),
            "flagged rate": table["flagged_rate"].map(percent),
            "precision": table["precision"].map(percent),
        }
    ).set_index("group")


def contacts_display(table: pd.DataFrame) -> pd.DataFrame:
    """Per band: patients, flagged, the plan's contact, its price and the cost, as text."""
    return pd.DataFrame(
        {
            "risk band": table["band"],
            "patients": table["patients"].map(count),
            "flagged": table["flagged"].map(count),
            "contact if flagged": table["contact"],
            "price per contact": table["price"].map(dollars),
            "cost": table["cost"].map(dollars),
        }
    ).set_index("risk band")


def cohort_metrics_in_words(metrics: dict | None, test: dict, in_training: int = 0) -> str:
    """The model's ranking and calibration on the user's labelled cohort, next to its figures when it was built;
    said plainly to be in-sample when ``in_training`` of the cohort's patients were in the model's training."""
    if metrics is None:
        return "The outcomes in this cohort are all the same, so ranking quality cannot be measured on it."
    warning = (
        f"**In-sample, not a test:** {in_training:,} of these patients were in the data the model in use was "
        "trained on, so the figures below flatter it; its figures when built are cross-validated, which is the "
        "honest measure on its own trial.\n\n"
        if in_training
        else ""
    )
    return warning + (
        f"On your cohort the model's ranking quality (ROC AUC) is **{interval(metrics['roc_auc'])}**, against "
        f"{interval(test['roc_auc'])} where it was measured when built; Brier score {interval(metrics['brier'])} "
        f"(when built {interval(test['brier'])}); calibration error {interval(metrics['ece'])}. Observed dropout rate "
        f"{percent(metrics['prevalence'])}. Brackets: 95% intervals."
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
