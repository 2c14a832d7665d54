"""The Thresholds & costs page's figures: cost, precision and recall, confusion, decision curve, gains."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.figures.style import LAYOUT, LOWERS, NEUTRAL, RAISES
from core.decisions.curves import Outcome


def _mark(fig: go.Figure, threshold: float, label: str = "your threshold") -> None:
    fig.add_vline(
        x=threshold,
        line_color="black",
        line_width=2,
        annotation_text=f"{label} {threshold:.2f}",
        annotation_position="top left",
    )


def cost_curve_figure(curve: dict[str, np.ndarray], threshold: float, optimal: float) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=curve["threshold"],
            y=curve["total_cost"],
            mode="lines",
            line={"color": RAISES},
            name="total program cost",
            hovertemplate="threshold %{x:.2f}: $%{y:,.0f}<extra></extra>",
        )
    )
    best = int(np.argmin(np.abs(curve["threshold"] - optimal)))
    fig.add_trace(
        go.Scatter(
            x=[optimal],
            y=[curve["total_cost"][best]],
            mode="markers+text",
            name="lowest cost",
            marker={"size": 12, "color": LOWERS, "symbol": "star"},
            text=["lowest cost"],
            textposition="bottom center",
        )
    )
    _mark(fig, threshold)
    fig.update_layout(
        **LAYOUT,
        title="Total program cost at each threshold",
        xaxis_title="decision threshold",
        yaxis_title="total program cost",
        yaxis_tickprefix="$",
        showlegend=False,
    )
    return fig


def precision_recall_threshold_figure(rates: dict[str, np.ndarray], threshold: float) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=rates["threshold"], y=rates["recall"], name="dropouts caught (recall)", line={"color": RAISES})
    )
    fig.add_trace(
        go.Scatter(
            x=rates["threshold"], y=rates["precision"], name="flagged who drop out (precision)", line={"color": LOWERS}
        )
    )
    _mark(fig, threshold)
    fig.update_layout(
        **LAYOUT,
        title="Precision and recall at each threshold",
        xaxis_title="decision threshold",
        yaxis_tickformat=".0%",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def confusion_figure(outcome: Outcome, expected: bool) -> go.Figure:
    z = [[outcome.caught, outcome.missed], [outcome.false_alarms, outcome.true_negatives]]
    fmt = "{:,.1f}" if expected else "{:,.0f}"
    text = [[fmt.format(v) for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=["flagged", "not flagged"],
            y=["dropped out", "stayed"],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
        )
    )
    fig.update_layout(
        **{**LAYOUT, "height": 300},
        title="Who is flagged, against what happens" + (" (expected)" if expected else ""),
        yaxis={"autorange": "reversed"},
    )
    return fig


def decision_curve_figure(curve: dict[str, np.ndarray], threshold: float) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curve["threshold"], y=curve["model"], name="flag by the model", line={"color": RAISES}))
    fig.add_trace(
        go.Scatter(
            x=curve["threshold"], y=curve["flag_all"], name="flag everyone", line={"color": NEUTRAL, "dash": "dash"}
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["threshold"], y=curve["flag_none"], name="flag nobody", line={"color": "black", "dash": "dot"}
        )
    )
    _mark(fig, threshold)
    low = float(np.nanmin(curve["model"])) if len(curve["model"]) else -0.05
    fig.update_layout(
        **LAYOUT,
        title="Decision curve: net benefit per patient",
        xaxis_title="threshold probability",
        yaxis_title="net benefit",
        yaxis_range=[max(low, -0.05), None],
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def gains_figure(gains: dict[str, np.ndarray], flagged_share: float) -> go.Figure:
    """Share of dropouts among the riskiest x% of patients; the share flagged at the threshold is marked."""
    fig = go.Figure(
        go.Scatter(x=gains["share_contacted"], y=gains["share_of_dropouts"], name="model", line={"color": RAISES})
    )
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="random order", line={"color": NEUTRAL, "dash": "dot"}))
    fig.add_vline(
        x=flagged_share,
        line_color="black",
        line_width=2,
        annotation_text=f"flagged at your threshold ({flagged_share:.1%})",
        annotation_position="top left",
    )
    fig.update_layout(
        **LAYOUT,
        title="Cumulative gains: dropouts found by calling the riskiest first",
        xaxis_title="share of patients contacted (riskiest first)",
        yaxis_title="share of dropouts among them",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
