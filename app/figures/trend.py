"""The Patient page's trend: one patient's chance of dropping out in each stored week, with the flag threshold."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app.figures.style import LAYOUT, NEUTRAL, RAISES


def week_days(history: pd.DataFrame) -> pd.Series:
    """The day each stored week stands for: the day a trial history was scored as of, else the day it was scored."""
    scored = pd.to_datetime(history["scored_at"], utc=True).dt.tz_localize(None).dt.normalize()
    as_of = pd.to_datetime(history["as_of"]) if "as_of" in history else pd.Series(pd.NaT, index=history.index)
    return as_of.fillna(scored)


def risk_trend_figure(history: pd.DataFrame, threshold: float) -> go.Figure:
    """A small line of the patient's chance (in %) per stored week, oldest first; flagged weeks marked red.

    ``history``: core.store uploads.patient_history (scored_at, as_of, probability, flagged), oldest first.
    """
    days = week_days(history)
    percent = history["probability"].to_numpy(dtype=float) * 100.0
    flagged = history["flagged"].fillna(False).to_numpy(dtype=bool) if "flagged" in history else [False] * len(days)
    fig = go.Figure(
        go.Scatter(
            x=days,
            y=percent,
            mode="lines+markers",
            line={"color": NEUTRAL},
            marker={"color": [RAISES if f else NEUTRAL for f in flagged], "size": 9},
            customdata=["flagged that week" if f else "not flagged that week" for f in flagged],
            hovertemplate="%{x|%d %b %Y}: %{y:.1f}% (%{customdata})<extra></extra>",
            name="Chance of dropping out",
        )
    )
    fig.add_hline(
        y=threshold * 100.0,
        line_dash="dash",
        line_color=RAISES,
        annotation_text=f"flagged from {threshold:.1%} (threshold now)",
        annotation_position="top left",
    )
    top = max(float(percent.max()) if len(percent) else 0.0, threshold * 100.0)
    fig.update_layout(
        **{**LAYOUT, "height": 260},
        showlegend=False,
        yaxis={"title": "Chance of dropping out (%)", "range": [0, min(100.0, top * 1.15 + 5)]},
        # one tick per stored week: automatic ticks between two close days repeat the same date
        xaxis={"title": None, "tickformat": "%d %b %Y", "tickmode": "array", "tickvals": list(days.drop_duplicates())},
    )
    return fig
