"""What a time-to-dropout model adds to the pages: on the Patient page the chance of leaving within 4, 8 and 12
weeks and the curve of staying; on the Train and Model pages (one section for both) how well it predicts *when*,
per horizon, from its card."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from app.figures.time_to_dropout import horizon_calibration_figure, survival_figure
from app.views.call_order import chance_help
from app.views.whatif import edited_fields
from core.model.bundle import ModelBundle
from core.model.time_model import horizon_column
from core.model.whatif import validate_patient
from core.scoring.survival import SurvivalCurve, survival_curve

SECTION_TITLE = "How well it predicts when (time to dropout)"
TOO_FEW = "not measured: too few dropouts"
# Per measure: its key in the card, its column header, and what it says in one plain line.
TIME_MEASURES = (
    (
        "time_dependent_auc",
        "Time-dependent ROC AUC (higher is better; 0.5 = chance)",
        "Time-dependent ROC AUC: take one patient who left within the weeks and one still in the trial then; how "
        "often the one who left had the higher chance.",
    ),
    (
        "uno_c",
        "Uno's concordance (higher is better; 0.5 = chance)",
        "Uno's concordance: over every pair of patients, how often the one who left sooner had the higher chance; "
        "weighted so that patients followed for a shorter time count fairly.",
    ),
    (
        "integrated_brier",
        "Integrated Brier score (lower is better)",
        "Integrated Brier score: the average squared gap between the predicted chance of still being in the trial "
        "and what happened, week by week up to the horizon (0 would be perfect).",
    ),
)


def patient_chances(scored: dict[str, Any], bundle: ModelBundle) -> None:
    """A row of "Chance of leaving within N weeks" beside the chance of dropping out (nothing for a landmark model)."""
    if not bundle.horizons:
        return
    for column, weeks in zip(st.columns(len(bundle.horizons)), bundle.horizons, strict=True):
        value = scored.get(horizon_column(weeks))
        column.metric(
            f"Chance of leaving within {weeks} weeks",
            "–" if value is None or pd.isna(value) else f"{float(value):.1%}",
            help=chance_help(weeks),
        )


def patient_curve(bundle: ModelBundle, patient: pd.DataFrame, values: dict[str, Any] | None = None) -> None:
    """The patient's chance of still being in the trial week by week; beside it the form's edits (``values``),
    when they differ from the patient as assessed and are valid."""
    assessed = survival_curve(bundle, patient)
    if assessed is None:
        return
    curves: dict[str, SurvivalCurve] = {"As assessed": assessed}
    contract = bundle.contract
    if values is not None and edited_fields(patient, values, contract):
        checked = validate_patient(values, contract)
        changed = None if len(checked.problems) else survival_curve(bundle, checked.valid)
        if changed is not None:
            curves["With your changes"] = changed
    st.plotly_chart(survival_figure(curves, bundle.horizons), key="survival_curve")
    weeks = " and ".join(", ".join(str(w) for w in bundle.horizons).rsplit(", ", 1))
    st.caption(
        "Each step is one week from today, as the model rolls this patient's weekly chance of leaving forward. "
        f"The dots mark {weeks} weeks (100% minus the chances above); the dotted line marks the planned end of the "
        "trial, where 100% minus the curve is the chance of dropping out."
    )


def _figure(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("value") is None or math.isnan(float(entry["value"])):
        return TOO_FEW
    low, high = entry.get("ci95", [math.nan, math.nan])
    if low is None or high is None or math.isnan(float(low)) or math.isnan(float(high)):
        return f"{float(entry['value']):.3f}"
    return f"{float(entry['value']):.3f} ({float(low):.3f}–{float(high):.3f})"


def horizon_table(section: dict[str, Any]) -> pd.DataFrame:
    """One row per horizon, one column per measure, each with its 95% interval (or why it is not measured)."""
    rows = []
    for weeks, figures in section.get("per_horizon", {}).items():
        row = {"Horizon": f"Within {weeks} weeks"}
        for key, header, _ in TIME_MEASURES:
            row[header] = _figure(figures.get(key)) if figures else TOO_FEW
        rows.append(row)
    return pd.DataFrame(rows)


def _look_ahead(section: dict[str, Any]) -> str:
    weeks = sorted({int(w) for f in section.get("per_horizon", {}).values() for w in f.get("look_ahead_weeks", [])})
    return ", ".join(str(w) for w in weeks) if weeks else "the start"


def horizon_section(card: dict[str, Any], where: str) -> None:
    """The time figures of a time-to-dropout version's card (nothing for another version); ``where`` keeps the
    figure's key unique per page."""
    section = card.get("time_to_dropout")
    if not section:
        return
    st.markdown(f"**{SECTION_TITLE}**")
    covers = card.get("covers", {}).get("days_in_trial")
    days = f" It judges patients from day {covers[0]} to day {covers[1]} of the trial." if covers else ""
    st.markdown(
        "Besides the chance of dropping out before the end, this model says *when*: each patient's chance of leaving "
        "within 4, 8 and 12 weeks. Measured on patients it did not learn from, looking ahead from weeks "
        f"{_look_ahead(section)} of each patient's time in the trial; brackets: 95% intervals from resampling whole "
        f"patients.{days}"
    )
    table = horizon_table(section)
    if not table.empty:
        st.table(table.set_index("Horizon"))
    st.markdown("\n".join(f"- {words}" for _, _, words in TIME_MEASURES))
    if (table == TOO_FEW).any().any():
        st.caption(
            "Not measured: too few patients left within that many weeks among those followed that long to measure it."
        )
    per_horizon = section.get("per_horizon", {})
    if any(f.get("calibration") for f in per_horizon.values()):
        chart, words = st.columns([3, 2])
        chart.plotly_chart(horizon_calibration_figure(per_horizon), key=f"{where}_time_calibration")
        words.markdown(
            "**Calibration by risk group.** Patients are split into four groups by their predicted chance of leaving "
            "within each horizon; each dot is a group's mean prediction (across) against the share who actually left "
            "in that time (up; patients followed for less time still count). On the dotted line, a chance of 10% means "
            "1 in 10 such patients leaves."
        )
    if section.get("in_words"):
        st.caption(section["in_words"])
