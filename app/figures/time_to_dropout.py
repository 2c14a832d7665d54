"""Figures of a time-to-dropout model (no streamlit here): one patient's chance of still being in the trial week by
week, and the calibration per horizon (the predicted chance of leaving against what happened, by risk group)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from app.figures.style import LAYOUT, NEUTRAL, RAISES
from core.scoring.survival import SurvivalCurve

SURVIVAL_TITLE = "Chance of still being in the trial, week by week"
CURVE_COLOURS = (RAISES, "#1b7837")  # as assessed, with the changes tried
HORIZON_COLOURS = ("#b2182b", "#ef8a62", "#67a9cf", "#2166ac")


def survival_figure(curves: dict[str, SurvivalCurve], horizons: tuple[int, ...]) -> go.Figure:
    """One line per curve (label -> curve), in percent; the horizons marked on each, the planned end as a dotted line."""
    fig = go.Figure()
    for (label, curve), colour in zip(curves.items(), CURVE_COLOURS, strict=False):
        percent = (curve.still_in * 100).tolist()  # plain numbers: the figure's JSON stays readable
        fig.add_trace(
            go.Scatter(
                x=curve.weeks.tolist(),
                y=percent,
                mode="lines",
                name=label,
                line={"color": colour, "shape": "hv"},
                hovertemplate="after week %{x}: %{y:.1f}% still in the trial<extra>" + label + "</extra>",
            )
        )
        marked = [w for w in horizons if w < len(percent)]
        fig.add_trace(
            go.Scatter(
                x=marked,
                y=[percent[w] for w in marked],
                mode="markers+text",
                text=[f"{percent[w]:.0f}%" for w in marked],
                textposition="bottom left",
                marker={"color": colour, "size": 8},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    first = next(iter(curves.values()), None)
    if first is not None:
        fig.add_vline(
            x=first.planned_end_week,
            line_dash="dot",
            line_color=NEUTRAL,
            annotation_text="planned end",
            annotation_position="top left",
        )
    lowest = min((float(c.still_in.min()) for c in curves.values()), default=1.0) * 100
    fig.update_layout(
        **{**LAYOUT, "height": 300},
        title=SURVIVAL_TITLE,
        xaxis={"title": "weeks from today", "dtick": 4},
        yaxis={"title": "still in the trial", "ticksuffix": "%", "range": [max(lowest - 10, 0), 101]},
        legend={"orientation": "h", "y": -0.25},
        showlegend=len(curves) > 1,
    )
    return fig


def horizon_calibration_figure(per_horizon: dict[str, dict[str, Any]]) -> go.Figure:
    """Per horizon, each risk group's mean predicted chance of leaving within it against the share that left
    (Kaplan-Meier, so patients followed for less time still count); on the dotted line they agree."""
    fig = go.Figure()
    top = 0.05
    for (weeks, figures), colour in zip(per_horizon.items(), HORIZON_COLOURS, strict=False):
        rows = figures.get("calibration") or []
        if not rows:
            continue
        predicted, observed = [r["predicted"] for r in rows], [r["observed"] for r in rows]
        top = max(top, *predicted, *observed)
        fig.add_trace(
            go.Scatter(
                x=predicted,
                y=observed,
                mode="lines+markers",
                name=f"within {weeks} weeks",
                marker={"color": colour, "size": 8},
                customdata=[r["n"] for r in rows],
                hovertemplate="predicted %{x:.1%}<br>observed %{y:.1%}<br>%{customdata} patients (once per starting week)<extra></extra>",
            )
        )
    edge = min(top * 1.1, 1.0)
    fig.add_trace(
        go.Scatter(x=[0, edge], y=[0, edge], mode="lines", name="agreement", line={"dash": "dot", "color": NEUTRAL})
    )
    fig.update_layout(
        **LAYOUT,
        title="Predicted against observed, by risk group",
        xaxis={"title": "predicted chance of leaving (mean per group)", "tickformat": ".0%", "range": [0, edge]},
        yaxis={"title": "observed share who left", "tickformat": ".0%", "range": [0, edge]},
    )
    return fig
