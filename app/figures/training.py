"""Plotly figures of a training's results (no streamlit here)."""

from __future__ import annotations

import plotly.graph_objects as go

from app.figures.style import LAYOUT


def landmark_figure(by_landmark: dict[str, dict[str, dict]]) -> go.Figure:
    """ROC AUC by landmark day for each model, with 95% intervals as error bars; 0.5 marks chance."""
    fig = go.Figure()
    for label, days in by_landmark.items():
        order = sorted(days, key=int)
        values = [days[d]["roc_auc"]["value"] for d in order]
        low = [days[d]["roc_auc"]["value"] - days[d]["roc_auc"]["ci95"][0] for d in order]
        high = [days[d]["roc_auc"]["ci95"][1] - days[d]["roc_auc"]["value"] for d in order]
        fig.add_trace(
            go.Scatter(
                x=[int(d) for d in order],
                y=values,
                mode="lines+markers",
                name=label,
                error_y={"type": "data", "symmetric": False, "array": high, "arrayminus": low, "thickness": 1},
            )
        )
    fig.add_hline(y=0.5, line_dash="dot", annotation_text="chance")
    fig.update_layout(
        **LAYOUT,
        title="Ranking quality by study day (ROC AUC, 95% interval)",
        xaxis_title="landmark day (study day the list is drawn up)",
        yaxis_title="ROC AUC",
    )
    return fig
