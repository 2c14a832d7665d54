"""The Model page's figures: ROC and precision-recall curves, calibration, and global explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.figures.style import LAYOUT, NEUTRAL, RAISES, feature_description, feature_label


def roc_figure(points: dict[str, np.ndarray], auc: float) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=points["false_positive_rate"],
            y=points["true_positive_rate"],
            mode="lines",
            name=f"model (AUC {auc:.2f})",
            line={"color": RAISES},
        )
    )
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dot", "color": NEUTRAL}))
    fig.update_layout(
        **LAYOUT,
        title="ROC curve (patients it did not learn from)",
        xaxis_title="share of stayers flagged (false alarms)",
        yaxis_title="share of dropouts caught",
    )
    return fig


def precision_recall_figure(points: dict[str, np.ndarray], prevalence: float) -> go.Figure:
    fig = go.Figure(
        go.Scatter(x=points["recall"], y=points["precision"], mode="lines", name="model", line={"color": RAISES})
    )
    fig.add_hline(y=prevalence, line_dash="dot", line_color=NEUTRAL, annotation_text=f"random list ({prevalence:.1%})")
    fig.update_layout(
        **LAYOUT,
        title="Precision and recall (patients it did not learn from)",
        xaxis_title="share of dropouts caught (recall)",
        yaxis_title="share of flagged who drop out (precision)",
    )
    return fig


def calibration_figure(table: list[dict[str, float]]) -> go.Figure:
    """Reliability plot: mean predicted probability against the observed dropout rate per bin."""
    predicted = [row["mean_predicted"] for row in table]
    observed = [row["observed_rate"] for row in table]
    counts = [row["n"] for row in table]
    fig = go.Figure(
        go.Scatter(
            x=predicted,
            y=observed,
            mode="lines+markers",
            name="model",
            marker={"color": RAISES, "size": 9},
            customdata=counts,
            hovertemplate="predicted %{x:.1%}<br>observed %{y:.1%}<br>%{customdata} patients<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration", line={"dash": "dot", "color": NEUTRAL})
    )
    fig.update_layout(
        **LAYOUT,
        title="Calibration: predicted against observed dropout rate",
        xaxis_title="predicted probability (mean per group of patients)",
        yaxis_title="observed dropout rate",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
    )
    return fig


def importance_figure(importance: pd.DataFrame) -> go.Figure:
    """Mean |SHAP| per feature as horizontal bars (largest on top)."""
    ordered = importance.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=ordered["mean_abs_contribution"],
            y=[feature_label(f) for f in ordered["feature"]],
            orientation="h",
            marker_color=RAISES,
        )
    )
    fig.update_layout(
        **LAYOUT,
        title="What the model relies on most (average size of effect)",
        xaxis_title="mean |effect| on log-odds",
    )
    return fig


def beeswarm_figure(
    contributions: pd.DataFrame, features: pd.DataFrame, order: list[str], max_points: int = 2000
) -> go.Figure:
    """Each dot a patient: its effect on one feature's row, coloured by the feature's value (low blue, high red)."""
    sample = contributions.sample(min(max_points, len(contributions)), random_state=0)
    fig = go.Figure()
    rng = np.random.default_rng(0)
    for row, name in enumerate(order[::-1]):
        value = features.loc[sample.index, name]
        spread = value.max() - value.min()
        scaled = (value - value.min()) / spread if spread else value * 0
        fig.add_trace(
            go.Scattergl(
                x=sample[name],
                y=row + rng.uniform(-0.3, 0.3, len(sample)),
                mode="markers",
                showlegend=False,
                marker={
                    "size": 4,
                    "color": scaled,
                    "colorscale": "RdBu_r",
                    "cmin": 0,
                    "cmax": 1,
                    "colorbar": {"title": "feature value", "tickvals": [0, 1], "ticktext": ["low", "high"]}
                    if row == 0
                    else None,
                },
                customdata=value,
                hovertemplate=f"{feature_label(name)} = %{{customdata}}<br>effect %{{x:+.2f}}<extra></extra>",
            )
        )
    fig.update_layout(
        **{**LAYOUT, "height": 80 + 40 * len(order)},
        title="Effect of each feature, patient by patient",
        xaxis_title="effect on log-odds (right = raises risk)",
        yaxis={"tickvals": list(range(len(order))), "ticktext": [feature_label(f) for f in order[::-1]]},
    )
    return fig


def dependence_figure(feature: str, values: pd.Series, effects: pd.Series, max_points: int = 3000) -> go.Figure:
    """One feature's value against its effect on risk, across patients."""
    idx = values.sample(min(max_points, len(values)), random_state=0).index
    fig = go.Figure(
        go.Scattergl(x=values[idx], y=effects[idx], mode="markers", marker={"size": 5, "color": RAISES, "opacity": 0.5})
    )
    fig.add_hline(y=0, line_color=NEUTRAL, line_dash="dot")
    fig.update_layout(
        **LAYOUT,
        title=f"How {feature_label(feature).lower()} moves risk",
        xaxis_title=feature_description(feature),
        yaxis_title="effect on log-odds",
    )
    return fig
